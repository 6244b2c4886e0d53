/**
 * The one AWS account id Faasbox's local cloud has: in ARNs, in events' requestContext.accountId,
 * in SAM's AWS::AccountId. It is the account `sam local` gives templates
 * (samcli/lib/intrinsic_resolver/intrinsics_symbol_table.py, DEFAULT_PSEUDO_PARAM_VALUES):
 * AWS's documentation account, stable and the right shape for ARNs.
 */
export const LOCAL_ACCOUNT_ID = "123456789012";

/**
 * The one Tencent Cloud account of Faasbox's local cloud: the APPID in COS bucket names, events and
 * TENCENTCLOUD_APPID, and the UIN in TENCENTCLOUD_UIN and a CMQ topic's topicOwner. They are the
 * placeholder ids Tencent's own documentation writes (examplebucket-1250000000,
 * qcs::cam::uin/100000000001, e.g. https://www.tencentcloud.com/document/product/436/13312).
 */
export const LOCAL_TENCENT_APPID = "1250000000";
export const LOCAL_TENCENT_UIN = "100000000001";
