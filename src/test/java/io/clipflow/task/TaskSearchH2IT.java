package io.clipflow.task;

/** The task search contract on the embedded H2. */
class TaskSearchH2IT extends TaskSearchContract {}
