package io.clipflow.video;

/** The pipeline contract on the embedded default database (H2 file). */
class VideoPipelineH2IT extends VideoPipelineContract {}
