// pgvigil as a library: the same operations as the command line.
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
export { renderBundle } from './bundle.js';
export { uninstall, uninstallSql } from './uninstall.js';
export { schedule, unschedule, type ScheduleOptions, type ScheduledJob, type RemovedJob } from './schedule.js';
export { start, type StartOptions } from './start.js';
export { packageVersion } from './sources.js';
export { runTick, runTickOn, type TickResult } from './tick.js';
export { runMaintenance, runMaintenanceOn, type MaintenanceResult, type MaintenanceRun } from './maintenance.js';
