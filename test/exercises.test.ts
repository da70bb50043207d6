import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  check,
  defineExercise,
  judgeExercise,
  judgeFunction,
  judgeNumber,
  judgeNumbers,
  listExercises,
  matrix,
  verdict,
} from "../src";
import { solutions } from "../solutions";

const NOTEBOOKS = join(__dirname, "..", "notebooks");

/** Exercise ids a notebook checks, in order: the first argument of each `check("…", …)`. */
function checkedIds(notebook: string): string[] {
  const cells = JSON.parse(readFileSync(join(NOTEBOOKS, notebook), "utf8")).cells as {
    cell_type: string;
    source: string | string[];
  }[];
  const code = cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source))
    .join("\n");
  return [...code.matchAll(/\bcheck\(\s*"([0-9.]+)"/g)].map((match) => match[1]);
}

function captureLog(run: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    run();
  } finally {
    console.log = original;
  }
  return lines;
}

describe("the course's exercises", () => {
  it("every exercise has a solution, and every solution an exercise", () => {
    const exerciseIds = listExercises().map((e) => e.id);
    expect(solutions.map((s) => s.id).sort()).to.deep.equal([...exerciseIds].sort());
  });

  for (const solution of solutions) {
    describe(`exercise ${solution.id}`, () => {
      it("accepts the solution", () => {
        const result = verdict(solution.id, solution.right());
        expect(result.status, result.text).to.equal("correct");
      });

      it("rejects each wrong answer with a hint", () => {
        expect(solution.wrong.length).to.be.greaterThan(0);
        for (const [k, wrongAnswer] of solution.wrong.entries()) {
          const result = verdict(solution.id, wrongAnswer());
          expect(result.status, `wrong answer ${k}: ${result.text}`).to.equal("incorrect");
          expect(result.text).to.match(/: not yet\. .* Hint: \S/);
        }
      });

      it("calls an unanswered exercise unanswered, without throwing", () => {
        const result = verdict(solution.id, undefined);
        expect(result.status).to.equal("unanswered");
        expect(result.text).to.match(/: not answered yet\. Hint: \S/);
      });
    });
  }

  it("each chapter checks exactly its own exercises, in order, each once", () => {
    const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith(".ipynb"));
    const checked = new Map<string, string[]>();
    for (const notebook of notebooks) {
      const chapter = String(Number(notebook.slice(0, 2)));
      const ids = checkedIds(notebook);
      for (const id of ids) expect(id.split(".")[0], `${notebook} checks ${id}`).to.equal(chapter);
      checked.set(chapter, ids);
    }
    const byChapter = new Map<string, string[]>();
    for (const { id } of listExercises()) {
      const chapter = id.split(".")[0];
      byChapter.set(chapter, [...(byChapter.get(chapter) ?? []), id]);
    }
    for (const [chapter, ids] of byChapter) {
      expect(checked.get(chapter), `chapter ${chapter}'s notebook`).to.deep.equal(ids);
    }
  });
});

describe("check", () => {
  it("prints one line with the verdict and the hint", () => {
    const lines = captureLog(() => check("2.1", undefined));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^Exercise 2\.1 \(.+\): not answered yet\. Hint: /);
  });

  it("names the known exercises when the id is a typo", () => {
    expect(() => check("2.9", 1)).to.throw(
      RangeError,
      /^verdict: no exercise "2\.9"; the exercises are (\d\.\d, )+\d\.\d$/,
    );
  });
});

describe("judgeExercise", () => {
  const exercise = defineExercise({
    id: "9.1",
    title: "a checker that throws",
    hint: "none",
    judge: (answer) => {
      if (answer === 1) throw new Error("boom");
      return judgeNumber(answer, 2);
    },
  });

  it("turns a checker's throw into an incorrect verdict quoting the error", () => {
    const result = judgeExercise(exercise, 1);
    expect(result.status).to.equal("incorrect");
    expect(result.text).to.contain("Error: boom");
  });

  it("words a right answer", () => {
    expect(judgeExercise(exercise, 2).text).to.equal(
      "Exercise 9.1 (a checker that throws): correct.",
    );
  });
});

describe("defineExercise", () => {
  it("refuses an id that is not chapter.number", () => {
    expect(() =>
      defineExercise({ id: "x", title: "t", hint: "h", judge: () => ({ status: "unanswered" }) }),
    ).to.throw(RangeError, /^defineExercise: id must look like "3\.2"/);
  });

  it("refuses an empty hint", () => {
    expect(() =>
      defineExercise({ id: "1.1", title: "t", hint: " ", judge: () => ({ status: "unanswered" }) }),
    ).to.throw(TypeError, /^defineExercise: 1\.1 needs a non-empty hint/);
  });
});

describe("judgeNumber", () => {
  it("accepts within the relative tolerance and rejects outside it", () => {
    expect(judgeNumber(1000.0005, 1000).status).to.equal("correct");
    expect(judgeNumber(1000.01, 1000).status).to.equal("incorrect");
  });

  it("rejects NaN, infinities and non-numbers", () => {
    for (const answer of [NaN, Infinity, "1", [1], null]) {
      expect(judgeNumber(answer, 1).status, String(answer)).to.equal("incorrect");
    }
  });
});

describe("judgeNumbers", () => {
  it("accepts a Matrix, nested or flat lists with the same entries", () => {
    for (const answer of [
      matrix([
        [1, 2],
        [3, 4],
      ]),
      [
        [1, 2],
        [3, 4],
      ],
      [1, 2, 3, 4],
    ]) {
      expect(
        judgeNumbers(answer, [
          [1, 2],
          [3, 4],
        ]).status,
      ).to.equal("correct");
    }
  });

  it("names the first entry that differs, and a wrong count", () => {
    const result = judgeNumbers([1, 2, 3.5, 4], [1, 2, 3, 4]);
    expect(result.status === "incorrect" && result.message).to.match(/^Entry 2 /);
    const short = judgeNumbers([1, 2], [1, 2, 3]);
    expect(short.status === "incorrect" && short.message).to.match(/^Expected 3 numbers; got 2/);
  });

  it("rejects NaN entries and other kinds", () => {
    expect(judgeNumbers([1, NaN], [1, 2]).status).to.equal("incorrect");
    expect(judgeNumbers("12", [1, 2]).status).to.equal("incorrect");
    expect(judgeNumbers([1, "2"], [1, 2]).status).to.equal("incorrect");
  });
});

describe("judgeFunction", () => {
  const cases = [
    { args: [1], check: (r: unknown) => judgeNumber(r, 2), label: "x = 1" },
    { args: [5], check: (r: unknown) => judgeNumber(r, 10), label: "x = 5" },
  ];

  it("calls the template (returning undefined) unanswered", () => {
    expect(judgeFunction(() => undefined, cases).status).to.equal("unanswered");
  });

  it("accepts a function right on every case", () => {
    expect(judgeFunction((x: number) => 2 * x, cases).status).to.equal("correct");
  });

  it("names the case a function gets wrong", () => {
    const result = judgeFunction((x: number) => x + 1, cases);
    expect(result.status === "incorrect" && result.message).to.match(/^For x = 5: /);
  });

  it("quotes what a throwing function threw", () => {
    const result = judgeFunction(() => {
      throw new Error("not done");
    }, cases);
    expect(result.status === "incorrect" && result.message).to.match(/threw: not done/);
  });

  it("rejects something that is not a function", () => {
    expect(judgeFunction(3, cases).status).to.equal("incorrect");
  });
});
