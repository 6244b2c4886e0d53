/**
 * The one AWS account id Faasbox's local cloud has: in ARNs, in events' requestContext.accountId,
 * in SAM's AWS::AccountId. It is the account `sam local` gives templates
 * (samcli/lib/intrinsic_resolver/intrinsics_symbol_table.py, DEFAULT_PSEUDO_PARAM_VALUES):
 * AWS's documentation account, stable and the right shape for ARNs.
 */
export const LOCAL_ACCOUNT_ID = "123456789012";
