import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_IMAGES, resolveImages } from "../../emulator/config/images";

function configHome(content?: string): string {
  const home = mkdtempSync(join(tmpdir(), "faasbox-config-"));
  if (content !== undefined) {
    mkdirSync(join(home, "faasbox"));
    writeFileSync(join(home, "faasbox", "config.json"), content);
  }
  return home;
}

test("without any configuration every runtime uses the public default image", () => {
  const images = resolveImages({}, { XDG_CONFIG_HOME: configHome() });
  assert.equal(images.nodejs.image, DEFAULT_IMAGES.nodejs);
  assert.equal(images.python.image, DEFAULT_IMAGES.python);
  assert.equal(images.nodejs.source, "default");
});

test("faasbox.yml beats the environment, which beats the user config", () => {
  const env = {
    XDG_CONFIG_HOME: configHome('{"images": {"nodejs": "from-config", "python": "py-config", "custom": "c-config"}}'),
    FAASBOX_IMAGE_PYTHON: "py-env",
    FAASBOX_IMAGE_NODEJS: "node-env",
  };
  const images = resolveImages({ nodejs: "node-project" }, env);
  assert.deepEqual(
    [images.nodejs.image, images.python.image, images.custom.image],
    ["node-project", "py-env", "c-config"],
  );
  assert.equal(images.python.source, "FAASBOX_IMAGE_PYTHON");
  assert.match(images.custom.source, /faasbox[/\\]config\.json$/);
});

test("a user config that is not JSON is an error naming the file and the expected shape", () => {
  const home = configHome("{ images: ");
  assert.throws(() => resolveImages({}, { XDG_CONFIG_HOME: home }), (error: Error) => {
    assert.ok(error.message.includes(join(home, "faasbox", "config.json")), error.message);
    assert.match(error.message, /not valid JSON.*expected \{"images"/);
    return true;
  });
});
