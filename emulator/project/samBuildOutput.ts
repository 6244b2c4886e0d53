import { statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { ManifestWarning, fileRef } from "./errors";

/** The names `sam build` may leave its template under, in the order sam local looks for them. */
const BUILT_NAMES = ["template.yaml", "template.yml"];

/**
 * The template to read in place of a discovered `template.yaml`: sam local, when not given
 * `--template`, "will first look for a template.[yaml|yml] file within a .aws-sam subfolder"
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/using-sam-cli-local-invoke.html),
 * i.e. `.aws-sam/build/`, where `sam build` writes a template whose CodeUri paths are the
 * built function folders, relative to that folder (so they resolve from the built
 * template's own folder like any CodeUri). sam local takes it whenever it exists; Faasbox
 * takes it only when it is newer than the source template, so that an old build does not
 * hide edits made since (the rule), and says which one it read either way.
 */
export function samBuildOutput(template: string, warn: (warning: ManifestWarning) => void): string {
  if (!/^template\.ya?ml$/.test(basename(template))) return template;
  const buildDir = join(dirname(template), ".aws-sam", "build");
  const built = BUILT_NAMES.map((name) => join(buildDir, name)).find((file) => modifiedAt(file) !== undefined);
  if (built === undefined) return template;
  const shown = relative(dirname(template), built);
  if ((modifiedAt(built) ?? 0) >= (modifiedAt(template) ?? 0)) {
    warn(
      ManifestWarning.at(
        fileRef(built),
        `using the sam build output from ${shown} (newer than ${basename(template)}), as sam local does: its functions run the built code; ` +
          "run sam build again after changing the template or code, or remove .aws-sam to run the sources",
      ),
    );
    return built;
  }
  warn(
    ManifestWarning.at(
      fileRef(built),
      `older than ${basename(template)}, so the source template and code are used, not this sam build output (sam local would use it); run sam build to refresh it`,
    ),
  );
  return template;
}

function modifiedAt(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}
