package io.clipflow.stage;

/** What a stage does, and the Celery task that runs stages of that kind (seed 003's and seed 002's names). */
public enum StageKind {
    LLM("apps.projects.tasks.execute_llm_stage"),
    IMAGE("apps.projects.tasks.execute_text2image_stage"),
    VIDEO("apps.projects.tasks.execute_image2video_stage"),
    AUDIO("video.tasks.generate_audio_async");

    private final String task;

    StageKind(String task) {
        this.task = task;
    }

    /** The Celery task name a Django app calls for stages of this kind. */
    public String task() {
        return task;
    }
}
