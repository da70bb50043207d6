// No container engine runs on CI, so the Dockerfile's promises are checked by reading it and
// the start script: the same set-up as the README, a non-root user, JupyterLab on 0.0.0.0:8888,
// and never an empty token.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./support/course";

describe("the Dockerfile", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const instructions = dockerfile.split("\n").filter((line) => /^[A-Z]+ /.test(line));
  const start = readFileSync(join(ROOT, "scripts", "docker-start.sh"), "utf8");
  // The start script with JUPYTER_TOKEN set to `token`, printing the command it would run.
  const startWith = (token: string) =>
    spawnSync("bash", [join(ROOT, "scripts", "docker-start.sh")], {
      env: { PATH: process.env.PATH ?? "", JUPYTER_TOKEN: token, SPOTLIGHT_PRINT_ONLY: "1" },
      encoding: "utf8",
    });

  it("sets up with the same script as the README's commands", () => {
    expect(dockerfile).to.match(/^RUN bash scripts\/setup\.sh$/m);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.course).to.match(/^bash scripts\/setup\.sh && /);
    expect(pkg.scripts.test).to.match(/^bash scripts\/setup\.sh && /);
  });

  it("runs the set-up and the server as a non-root user", () => {
    const users = instructions.filter((line) => line.startsWith("USER "));
    expect(users).to.have.length.greaterThan(0);
    expect(users.at(-1)).to.not.match(/^USER (root|0)\b/);
    const setupAt = instructions.findIndex((line) => line.includes("scripts/setup.sh"));
    const userAt = instructions.findIndex((line) => line.startsWith("USER "));
    expect(userAt).to.be.lessThan(setupAt);
  });

  it("starts JupyterLab on 0.0.0.0:8888 through the start script", () => {
    expect(dockerfile).to.match(/^EXPOSE 8888$/m);
    expect(dockerfile).to.match(/^CMD \["bash", "scripts\/docker-start\.sh"\]$/m);
    expect(start).to.match(/--ip=0\.0\.0\.0 --port=8888/);
  });

  it("never starts JupyterLab with an empty token or password", () => {
    expect(start).to.not.match(/token=(''|""|\s|$)/m);
    expect(start).to.not.match(/--(ServerApp|NotebookApp|IdentityProvider)\.password/);
    // The script generates a token when none is given, and keeps one that is.
    const generated = startWith("");
    expect(generated.status, generated.stderr).to.equal(0);
    expect(generated.stdout).to.match(/generated one/);
    expect(generated.stdout).to.match(/ --IdentityProvider\.token=[0-9a-f]{48}$/m);
    expect(startWith("chosen-token").stdout).to.match(/ --IdentityProvider\.token=chosen-token$/m);
    const blank = startWith("   ");
    expect(blank.stdout, "a token of spaces").to.match(/generated one/);
    expect(blank.stdout).to.match(/ --IdentityProvider\.token=[0-9a-f]{48}$/m);
  });

  it("prints the token it starts JupyterLab with in the log, generated or chosen", () => {
    for (const output of [startWith("").stdout, startWith("chosen-token").stdout]) {
      const token = output.match(/ --IdentityProvider\.token=(\S+)$/m)?.[1];
      expect(token, output).to.be.a("string");
      expect(output).to.include(`http://127.0.0.1:8888/lab?token=${token}`);
    }
  });

  it("runs no two set-ups: the image's only set-up step is the README's script", () => {
    const runs = instructions.filter((line) => line.startsWith("RUN "));
    const setups = runs.filter((line) =>
      /setup|npm (ci|install)|pip install|tslab install/.test(line),
    );
    expect(setups).to.deep.equal(["RUN bash scripts/setup.sh"]);
  });
});
