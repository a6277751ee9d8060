// Task definitions and the workers that run them.
export { defineTask, setDefaultBackend, Task, type TaskContext, type TaskHandler } from "./define-task.js";
export { runTasks, type RunnableTask, type TaskWorkers } from "./run-tasks.js";
