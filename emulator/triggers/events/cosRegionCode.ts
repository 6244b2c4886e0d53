/**
 * The short region code SCF's COS trigger puts in `cosBucket.region`: its event sample shows
 * "region": "cd" for a bucket at cos.ap-chengdu.myqcloud.com
 * (https://www.tencentcloud.com/document/product/583/9707, "Event Message Structure for COS Trigger").
 * The other codes are the ones Tencent's legacy region-coded APIs list (gz Guangzhou, sh Shanghai,
 * bj Beijing, cd Chengdu, hk Hong Kong, sg Singapore, ca North America, usw Silicon Valley, shjr and
 * szjr the finance zones: https://www.tencentcloud.com/document/product/406/7411). For any other
 * region the docs give no code, and the region's full name is used.
 */
const SHORT_CODES: Record<string, string> = {
  "ap-guangzhou": "gz",
  "ap-shanghai": "sh",
  "ap-beijing": "bj",
  "ap-chengdu": "cd",
  "ap-hongkong": "hk",
  "ap-singapore": "sg",
  "na-toronto": "ca",
  "na-siliconvalley": "usw",
  "ap-shanghai-fsi": "shjr",
  "ap-shenzhen-fsi": "szjr",
};

export function cosRegionCode(region: string): string {
  return SHORT_CODES[region] ?? region;
}
