// Apart from doctor.ts so that `faasbox --help` names it without loading the checks.
export const DOCTOR_USAGE = "faasbox doctor [--project DIR] (the project's databases: replication readiness and slots with their lag)";
