/**
 * The SCF console names regions by number in its URLs (rid). These are the numeric region
 * ids of Tencent Cloud's region list; a region missing here gets the console's function list.
 */
const TENCENT_REGION_IDS: Readonly<Record<string, number>> = {
  "ap-guangzhou": 1,
  "ap-shanghai": 4,
  "ap-hongkong": 5,
  "na-toronto": 6,
  "ap-shanghai-fsi": 7,
  "ap-beijing": 8,
  "ap-singapore": 9,
  "ap-shenzhen-fsi": 11,
  "na-siliconvalley": 15,
  "ap-chengdu": 16,
  "eu-frankfurt": 17,
  "ap-seoul": 18,
  "ap-chongqing": 19,
  "ap-mumbai": 21,
  "na-ashburn": 22,
  "ap-bangkok": 23,
  "ap-tokyo": 25,
  "ap-nanjing": 33,
};

export function scfConsoleUrl(region: string, namespace: string, functionName: string): string {
  const rid = TENCENT_REGION_IDS[region];
  if (rid === undefined) return "https://console.cloud.tencent.com/scf/list";
  const query = new URLSearchParams({ rid: String(rid), ns: namespace, id: functionName });
  return `https://console.cloud.tencent.com/scf/detail?${query.toString()}`;
}

export function lambdaConsoleUrl(region: string, functionName: string): string {
  return `https://${region}.console.aws.amazon.com/lambda/home?region=${region}#/functions/${encodeURIComponent(functionName)}`;
}
