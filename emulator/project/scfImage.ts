import type { YamlField } from "./yamlSource";

/**
 * The scf component's `inputs.image` ({imageType, imageUri, registryId, command, args}) deploys
 * an image from Tencent's registry (https://github.com/serverless-components/tencent-scf,
 * docs/configure.md, "image"); the component gives no local build form (no Dockerfile field).
 * SCF runs such an image as an HTTP server on port 9000, posting events to /event-invoke
 * (https://www.tencentcloud.com/zh/document/product/583/41076), not through the Runtime API
 * the emulator serves: the function cannot run here, and is an error that says what to do.
 * Returns true when there is no image, so the caller reads the function as usual.
 */
export function refuseScfImage(image: YamlField): true {
  if (!image.isSet) return true;
  if (!image.isMap()) throw image.wrongType("a map such as {imageType: personal, imageUri: ccr.ccs.tencentyun.com/NS/NAME:TAG}");
  const uri = image.child("imageUri").string("the image's address") ?? "the image";
  throw image.fail(
    `SCF image functions do not run in Faasbox: SCF runs ${uri} as an HTTP server on port 9000 that receives events on POST /event-invoke, a contract Faasbox does not emulate. ` +
      `Run it locally with \`docker run -p 9000:9000 ${uri === "the image" ? "IMAGE" : uri}\` and POST an event to http://127.0.0.1:9000/event-invoke, or make it a code function (src, handler, runtime) to run it here`,
  );
}
