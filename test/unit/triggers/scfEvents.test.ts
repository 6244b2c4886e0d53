// SCF's COS and CMQ topic events in the shape Tencent documents, with the one local account.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_ACCOUNT_ID, LOCAL_TENCENT_APPID, LOCAL_TENCENT_UIN } from "../../../emulator/project/localAccount";
import { messageEvent } from "../../../emulator/triggers/events/messageEvents";
import { storageEvent } from "../../../emulator/triggers/events/storageEvents";

type Cos = { Records: Array<{ cos: { cosBucket: Record<string, string>; cosObject: { url: string; key: string } }; event: { eventQueue: string } }> };

test("a COS event carries the short region code in cosBucket.region and the full name in s3Region and cosRegion", () => {
  const event = storageEvent("scf", { bucket: "photos", key: "a/b.jpg", size: 3, created: true, region: "ap-chengdu", time: new Date(0) }) as Cos;
  const { cosBucket, cosObject } = event.Records[0].cos;
  assert.deepEqual(cosBucket, { region: "cd", name: "photos", appid: LOCAL_TENCENT_APPID, s3Region: "ap-chengdu", cosRegion: "ap-chengdu" });
  assert.equal(cosObject.url, `http://photos-${LOCAL_TENCENT_APPID}.cos.ap-chengdu.myqcloud.com/a/b.jpg`);
  assert.equal(cosObject.key, `/${LOCAL_TENCENT_APPID}/photos/a/b.jpg`);
  assert.match(event.Records[0].event.eventQueue, new RegExp(`appid/${LOCAL_TENCENT_APPID}:`));
});

test("a region without a documented short code keeps its full name in cosBucket.region", () => {
  const event = storageEvent("scf", { bucket: "b", key: "k", size: 1, created: false, region: "eu-frankfurt", time: new Date(0) }) as Cos;
  assert.equal(event.Records[0].cos.cosBucket.region, "eu-frankfurt");
  assert.equal(event.Records[0].cos.cosBucket.s3Region, "eu-frankfurt");
});

test("a CMQ topic event has msgTag as a string and the local account's UIN as topicOwner", () => {
  const event = messageEvent("scf", { name: "orders", kind: "topic", region: "ap-guangzhou" }, [{ id: "m1", body: "hi", publishedAt: 0, attempts: 0 }]) as { Records: Array<{ CMQ: Record<string, unknown> }> };
  const cmq = event.Records[0].CMQ;
  assert.equal(typeof cmq.msgTag, "string");
  assert.equal(cmq.topicOwner, Number(LOCAL_TENCENT_UIN));
  assert.equal(cmq.msgBody, "hi");
});

test("AWS message events name the one local account id", () => {
  const event = messageEvent("aws", { name: "orders", kind: "topic", region: "us-east-1" }, [{ id: "m1", body: "hi", publishedAt: 0, attempts: 0 }]) as { Records: Array<{ Sns: { TopicArn: string } }> };
  assert.equal(event.Records[0].Sns.TopicArn, `arn:aws:sns:us-east-1:${LOCAL_ACCOUNT_ID}:orders`);
});
