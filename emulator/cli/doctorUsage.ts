// Apart from doctor.ts so that `faasbox --help` names it without loading the checks.
export const DOCTOR_USAGE = "faasbox doctor [--project DIR] (the project's databases: replication or binlog readiness, and slots or saved binlog positions with their lag)";
