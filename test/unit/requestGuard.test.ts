// The rules that keep web pages away from the emulator's listeners: Host names (DNS
// rebinding) and browser cross-site requests, on crafted headers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { crossSiteRefusal, hostNameOf, hostRefusal, parseAllowedHost } from "../../emulator/util/requestGuard";

const INVOKE = { name: "the Lambda Invoke API", effect: "run your functions" };
const accepted = (host: string | undefined, rule = {}) => hostRefusal(host, rule) === undefined;

test("loopback Host names are accepted on any port: 127.0.0.0/8, localhost, [::1], *.localhost", () => {
  for (const host of [
    "127.0.0.1", "127.0.0.1:3000", "127.1.2.3:1", "localhost", "localhost:3001", "LOCALHOST:3001", "localhost.:80",
    "[::1]", "[::1]:3000", "[0:0:0:0:0:0:0:1]:3000", "app.localhost:3000", "a.b.localhost", "0x7f.0.0.1:3000", "[::ffff:127.0.0.1]:3000",
  ]) {
    assert.ok(accepted(host), host);
  }
});

test("other names and addresses are refused with 403, a message that names the Host and how to allow it", () => {
  for (const host of ["attacker.example", "attacker.example:3000", "localhost.attacker.example", "127.0.0.1.nip.io:3000", "10.0.0.5:3000", "[::2]:3000", "0.0.0.0:3000"]) {
    assert.ok(!accepted(host), host);
  }
  const refusal = hostRefusal("Attacker.Example:3000");
  assert.equal(refusal?.status, 403);
  assert.match(refusal!.message, /Host "Attacker\.Example:3000" is not a name of this emulator/);
  assert.match(refusal!.message, /DNS rebinding/);
  assert.match(refusal!.message, /faasbox start --allowed-host attacker\.example/);
});

test("a malformed Host, or one that smuggles another name, is refused", () => {
  for (const host of ["attacker.example@127.0.0.1", "127.0.0.1/x", "127.0.0.1:3000:3000", "127.0.0.1:99999", "", " ", "127.0.0.1 attacker.example", "[::1"]) {
    assert.ok(!accepted(host), JSON.stringify(host));
  }
  assert.equal(hostNameOf("[::1]:80"), "::1");
  assert.equal(hostNameOf("LocalHost.:3000"), "localhost");
});

test("a request without Host (HTTP/1.0) is not a browser's and passes", () => {
  assert.ok(accepted(undefined));
});

test("names the user allows are accepted; a leading dot (or *.) allows a domain and its subdomains", () => {
  const rule = { allowedHosts: ["faasbox.test", ".dev.example", "192.168.1.20"].map(parseAllowedHost) };
  for (const host of ["faasbox.test:3000", "FAASBOX.TEST", "dev.example", "api.dev.example:3001", "192.168.1.20:3000"]) assert.ok(accepted(host, rule), host);
  for (const host of ["other.test", "notdev.example", "faasbox.test.attacker.example"]) assert.ok(!accepted(host, rule), host);
  assert.equal(parseAllowedHost("*.Dev.Example."), ".dev.example");
  assert.equal(parseAllowedHost("[::1]"), "::1");
  assert.equal(parseAllowedHost("fd00::5"), "fd00::5");
  for (const bad of ["http://faasbox.test", "faasbox.test:3000", "faasbox.test/x", "", "a b"]) assert.throws(() => parseAllowedHost(bad), /is not a host name/, bad);
  assert.match(hostRefusal("other.test", rule)!.message, /faasbox\.test, \*\.dev\.example, 192\.168\.1\.20/);
  // Passed to the daemon's API unchecked, they still match as the CLI would write them.
  const unchecked = { allowedHosts: ["FAASBOX.Test.", "*.Dev.Example", "[fd00::5]"] };
  for (const host of ["faasbox.test", "api.dev.example", "[fd00::5]:3000"]) assert.ok(accepted(host, unchecked), host);
});

test("Docker Desktop's host.docker.internal is accepted (a function calling back; .internal is never public DNS)", () => {
  assert.ok(accepted("host.docker.internal:3001"));
});

test("bound elsewhere on purpose: the bound address works; bound to every interface, every IP address does, names still need allowing", () => {
  const lan = { bindHost: "192.168.1.20" };
  assert.ok(accepted("192.168.1.20:3000", lan));
  assert.ok(accepted("127.0.0.1:3000", lan));
  assert.ok(!accepted("192.168.1.21:3000", lan));
  assert.ok(!accepted("attacker.example", lan));

  for (const bindHost of ["0.0.0.0", "::"]) {
    const any = { bindHost };
    // The URL the emulator prints (http://0.0.0.0:3000) and any address it is reached by.
    for (const host of ["0.0.0.0:3000", "10.1.2.3:3000", "[fd00::5]:3001", "[::]:3000", "localhost:3000"]) assert.ok(accepted(host, any), `${bindHost} ${host}`);
    // An IP address cannot be rebound; a name can.
    assert.ok(!accepted("attacker.example:3000", any), bindHost);
    assert.ok(accepted("mybox.lan:3000", { ...any, allowedHosts: ["mybox.lan"] }));
    assert.match(hostRefusal("attacker.example", any)!.message, /any IP address/);
  }
  assert.ok(accepted("mybox.lan:3000", { bindHost: "mybox.lan" }));
  assert.ok(accepted("[fd00::5]:3000", { bindHost: "fd00::5" }));
});

test("requests without browser headers pass: the AWS CLI, the SDK, curl, Node's fetch", () => {
  // As captured from each client (the AWS CLI v2 sends no Content-Type at all).
  const clients = [
    { host: "127.0.0.1:3001", "user-agent": "aws-cli/2.9.19", "x-amz-date": "20260101T000000Z", authorization: "AWS4-HMAC-SHA256 …" },
    { host: "127.0.0.1:3001", "content-type": "application/octet-stream", "x-amz-user-agent": "aws-sdk-js/3", authorization: "AWS4-HMAC-SHA256 …" },
    { host: "127.0.0.1:3000", "user-agent": "curl/8.5.0", "content-type": "application/x-www-form-urlencoded" },
    { host: "127.0.0.1:3001", "content-type": "text/plain;charset=UTF-8", "sec-fetch-mode": "cors", "user-agent": "node" },
  ];
  for (const headers of clients) assert.equal(crossSiteRefusal(headers, INVOKE), undefined, JSON.stringify(headers));
});

test("a page of another origin is refused: Origin of another host or port, Sec-Fetch-Site cross-site or same-site", () => {
  const cases = [
    // A site on the internet: a form post or a no-cors fetch.
    { host: "127.0.0.1:3001", origin: "https://attacker.example", "sec-fetch-site": "cross-site", "content-type": "text/plain;charset=UTF-8" },
    // Another port of 127.0.0.1 is another origin of the same site.
    { host: "127.0.0.1:3001", origin: "http://127.0.0.1:5173", "sec-fetch-site": "same-site" },
    { host: "127.0.0.1:3001", origin: "http://localhost:3001" },
    // Sandboxed iframes, file: and data: pages.
    { host: "127.0.0.1:3001", origin: "null" },
    { host: "127.0.0.1:3001", origin: "https://127.0.0.1:3001" },
    // Browsers leave Origin off some requests, never Sec-Fetch-Site to 127.0.0.1.
    { host: "127.0.0.1:3001", "sec-fetch-site": "cross-site" },
    { host: "127.0.0.1:3001", "sec-fetch-site": "same-site" },
    { origin: "http://127.0.0.1:3001" },
  ];
  for (const headers of cases) {
    const refusal = crossSiteRefusal(headers, INVOKE);
    assert.equal(refusal?.status, 403, JSON.stringify(headers));
  }
  const message = crossSiteRefusal(cases[0], INVOKE)!.message;
  assert.match(message, /refused a request from a web page \(Origin: https:\/\/attacker\.example, Sec-Fetch-Site: cross-site\)/);
  assert.match(message, /the Lambda Invoke API takes requests from tools/);
  assert.match(message, /cannot run your functions/);
});

test("the emulator's own origin passes (a page the gateway served), and so does a typed URL (Sec-Fetch-Site: none)", () => {
  assert.equal(crossSiteRefusal({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }, INVOKE), undefined);
  assert.equal(crossSiteRefusal({ host: "localhost", origin: "http://localhost" }, INVOKE), undefined);
  assert.equal(crossSiteRefusal({ host: "[::1]:3000", origin: "http://[::1]:3000" }, INVOKE), undefined);
  assert.equal(crossSiteRefusal({ host: "127.0.0.1:3000", "sec-fetch-site": "none" }, INVOKE), undefined);
});
