package io.clipflow.task;

import org.springframework.data.jpa.repository.JpaRepository;

interface TaskRecordRepository extends JpaRepository<TaskRecord, String> {}
