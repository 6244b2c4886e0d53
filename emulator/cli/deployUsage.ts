// The deploy commands' usage lines, apart from the commands: `faasbox --help` shows them
// without loading the cloud SDKs, which only a deploy needs.
export const PACKAGE_USAGE = "faasbox package FUNCTION [--project DIR] [--out FILE] [--target scf|lambda]";
export const DEPLOY_USAGE =
  "faasbox deploy [FUNCTION] [--project DIR] [--target scf|lambda] [--region R] [--role ARN] [--code-bucket NAME] [--dry-run] [--yes]\n" +
  "      credentials: TENCENTCLOUD_SECRET_ID/_KEY or ~/.tencentcloud/credentials (SCF); AWS_* variables or ~/.aws profiles (Lambda)\n" +
  "      --code-bucket (or FAASBOX_CODE_BUCKET): a COS bucket NAME-APPID (SCF) or S3 bucket (Lambda), in the function's region,\n" +
  "        that zips too large to send in the deploy request go through\n" +
  "      testing only: FAASBOX_SCF_ENDPOINT, FAASBOX_LAMBDA_ENDPOINT, FAASBOX_COS_ENDPOINT, FAASBOX_S3_ENDPOINT send the calls to local fakes";
