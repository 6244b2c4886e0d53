/** The manifest files Faasbox reads, as a glob for workspace searches and watchers. */
export const MANIFEST_GLOB = "**/{serverless.yml,serverless.yaml,template.yaml,template.yml,faasbox.yml,faasbox.yaml}";
export const MANIFEST_EXCLUDE = "**/{node_modules,.git,dist,.faasbox}/**";
