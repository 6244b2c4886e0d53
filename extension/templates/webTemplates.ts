// "New Function" → SCF Web function: the user's own web server (Express or Flask) started by an
// executable scf_bootstrap, listening on 0.0.0.0:9000, as SCF's web functions require
// (https://cloud.tencent.com/document/product/583/56126). Only Tencent has web functions.

export interface WebTemplateFiles {
  files: Record<string, string>;
  /** Files to make executable (chmod 755): scf_bootstrap. */
  executable: string[];
  handlerFile: string;
}

function serverlessYml(name: string, runtime: string): string {
  return `component: scf\nname: ${name}\n\ninputs:\n  name: ${name}\n  src: ./\n  # A web function: scf_bootstrap starts the server; requests reach it as sent (no event, no handler)\n  type: web\n  runtime: ${runtime}\n  region: ap-guangzhou\n  memorySize: 128\n  timeout: 10\n  events:\n    - apigw:\n        parameters:\n          protocols: [http, https]\n          endpoints:\n            - path: /${name}\n              method: ANY\n`;
}

const EXPRESS = (name: string) => `'use strict';\n\n// An SCF web function: an ordinary Express app. SCF starts it with scf_bootstrap and passes each\n// request through; X-Scf-Request-Id and the other X-Scf-* headers say which invocation it is.\nconst express = require('express');\n\nconst app = express();\napp.use(express.json());\n\napp.all('/${name}', (req, res) => {\n  console.log(\`request \${req.get('x-scf-request-id')} \${req.method} \${req.path}\`);\n  res.json({ message: \`Hello, \${req.query.name || 'world'}!\` });\n});\n\n// SCF requires port 9000 on every interface (never 127.0.0.1 only).\napp.listen(9000, '0.0.0.0', () => console.log('listening on 9000'));\n`;

const FLASK = (name: string) => `# An SCF web function: an ordinary Flask app. SCF starts it with scf_bootstrap and passes each\n# request through; X-Scf-Request-Id and the other X-Scf-* headers say which invocation it is.\n# Flask must be in this folder when deployed: pip install -t . flask\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n@app.route("/${name}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])\ndef hello():\n    print(f"request {request.headers.get('X-Scf-Request-Id')} {request.method} {request.path}", flush=True)\n    return jsonify(message=f"Hello, {request.args.get('name', 'world')}!")\n\n\nif __name__ == "__main__":\n    # SCF requires port 9000 on every interface (never 127.0.0.1 only).\n    app.run(host="0.0.0.0", port=9000)\n`;

export function webTemplate(name: string, language: "nodejs" | "python"): WebTemplateFiles {
  if (language === "nodejs") {
    return {
      files: {
        "serverless.yml": serverlessYml(name, "Nodejs18.15"),
        "app.js": EXPRESS(name),
        "package.json": `${JSON.stringify({ name, private: true, main: "app.js", dependencies: { express: "^4.21.0" } }, null, 2)}\n`,
        // SCF runs it with bash and its standard interpreter paths (标准语言环境绝对路径); LF line endings only.
        scf_bootstrap: "#!/bin/bash\n/var/lang/node18/bin/node app.js\n",
      },
      executable: ["scf_bootstrap"],
      handlerFile: "app.js",
    };
  }
  return {
    files: {
      "serverless.yml": serverlessYml(name, "Python3.9"),
      "app.py": FLASK(name),
      "requirements.txt": "flask\n",
      // The packages installed with pip install -t . are in the code folder (/var/user in SCF).
      scf_bootstrap: "#!/bin/bash\nexport PYTHONPATH=/var/user:$PYTHONPATH\n/var/lang/python39/bin/python3.9 app.py\n",
    },
    executable: ["scf_bootstrap"],
    handlerFile: "app.py",
  };
}
