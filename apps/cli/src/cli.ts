#!/usr/bin/env node
/**
 * `irlkit`: every irlkit algorithm from the command line. Each command composes the packages;
 * errors meant for people print one message on stderr (stack traces only with `--verbose`).
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Help, Option } from "commander";
import { benchCommand } from "./commands/bench.js";
import { demosCommand } from "./commands/demos.js";
import { envsCommand } from "./commands/envs.js";
import { evalCommand } from "./commands/eval.js";
import { exportCommand } from "./commands/export.js";
import { plotCommand } from "./commands/plot.js";
import { showcaseCommand } from "./commands/showcase.js";
import { trainCommand } from "./commands/train.js";
import { transferCommand } from "./commands/transfer.js";
import { ALGORITHMS } from "./configs.js";
import { CliError, describeError } from "./errors.js";
import { registerMujocoBeforeAction } from "./mujoco-envs.js";
import { registerSweepCommands } from "./sweeps/commands.js";

/** The CLI's version, from its package.json (`../package.json` from both `src/` and `dist/`). */
export function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as { version: string };
  return manifest.version;
}

export function buildProgram(): Command {
  const program = new Command("irlkit")
    .description("Inverse reinforcement learning and adversarial imitation from the command line.")
    .version(cliVersion(), "-V, --version", "print the irlkit CLI's version")
    .option("--verbose", "print stack traces with errors")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .configureHelp({ optionDescription: markRequired })
    // MuJoCo's envs join the registry before any command that can make an env (mujoco-envs.ts).
    .hook("preAction", registerMujocoBeforeAction);

  program
    .command("envs [id]")
    .description("list the registered environments, or describe one")
    .option("--json", "print one JSON object")
    .option("--episodes <n>", "episodes for the expert and random returns of one env", "3")
    .action(envsCommand);

  program
    .command("demos")
    .description("write expert demonstrations in Minari's dataset layout")
    .requiredOption("--env <id>", "environment id")
    .option(
      "--env-kwargs <mapping>",
      "the env's constructor arguments, e.g. '{includeVelocity: false}' (YAML or JSON)",
    )
    .requiredOption("--episodes <n>", "number of episodes")
    .requiredOption("--out <dir>", "dataset directory (or a .jsonl file)")
    .option(
      "--expert <expert>",
      "scripted, an ONNX policy (MODEL.onnx, irlkit's or another library's) or a run directory (RUN)",
      "scripted",
    )
    .addOption(outputOption())
    .addOption(outputKindOption())
    .option("--seed <s>", "episode i is reset with seed + i", "0")
    .option("--overwrite", "replace an existing dataset")
    .action(demosCommand);

  program
    .command("train [algo]")
    .description(`train an algorithm: ${ALGORITHMS.join(", ")}`)
    .option("--env <id>", "environment id")
    .option(
      "--env-kwargs <mapping>",
      "the env's constructor arguments, a setting (envKwargs), e.g. '{includeVelocity: false}' (YAML or JSON)",
    )
    .option("--demos <dir>", "demonstrations (Minari dataset directory or .jsonl)")
    .option("--config <file>", "YAML or JSON config; flags override it")
    .option("--seed <s>", "seed (overrides the config)")
    .option(
      "--steps <n>",
      "budget: env steps (ppo, gail, gan-gcl, airl, gcl), epochs (bc) or iterations (maxent, mce, deep-maxent)",
    )
    .option("--checkpoint-every <n>", "rounds between checkpoints (overrides the config)")
    .option(
      "--stop-at <targets>",
      "early stopping, the stopAt settings: e.g. --stop-at normalizedScore=0.95,every=20480 (evaluation targets) or --stop-at rolloutReturnMean=475",
    )
    .option("--out <dir>", "root of the run directories", "runs")
    .option("--resume <run>", "continue an interrupted run directory")
    .option(
      "--set <key=value>",
      "set one setting, e.g. --set ppo.nSteps=128 (repeatable; `--settings` lists them)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--no-preset",
      "start from the algorithm's defaults, not the env's preset (presets/ALGO.yml)",
    )
    .option("--settings", "list every setting of ALGO with its default and doc, and exit")
    .option(
      "--print-config",
      "print the resolved settings, each with its source (default, preset, config file, flags), and exit",
    )
    .option("--json", "print one JSON object when done")
    .action(trainCommand);

  program
    .command("eval <target>")
    .description("evaluate a run's policy (RUN) or an ONNX policy (MODEL.onnx)")
    .option("--env <id>", "environment id (default: the one RUN or an irlkit export records)")
    .option(
      "--env-kwargs <mapping>",
      "the env's constructor arguments, default: the run's; e.g. '{includeVelocity: false}' (YAML or JSON)",
    )
    .addOption(outputOption())
    .addOption(outputKindOption())
    .option("--episodes <n>", "episodes", "10")
    .option("--seed <s>", "seed of the evaluation episodes", "1000")
    .option("--json", "print one JSON object")
    .action(evalCommand);

  program
    .command("transfer <run>")
    .description(
      "train a fresh policy on a run's learned reward in ENV, evaluate on the true reward",
    )
    .requiredOption("--env <id>", "environment id (e.g. new dynamics)")
    .option(
      "--env-kwargs <mapping>",
      "the env's constructor arguments, default: the run's; e.g. '{includeVelocity: false}' (YAML or JSON)",
    )
    .option("--steps <n>", "PPO env steps (default: the env's PPO preset's budget, else 100000)")
    .option(
      "--no-standardize",
      "train on the learned reward as it is (default: standardised with running statistics)",
    )
    .option("--episodes <n>", "evaluation episodes", "10")
    .option("--seed <s>", "seed", "0")
    .option("--json", "print one JSON object")
    .action(transferCommand);

  program
    .command("export <run>")
    .description("list a run's models, and with --onnx write policy.onnx and reward.onnx")
    .option("--onnx", "export ONNX models")
    .action(exportCommand);

  program
    .command("plot <run>")
    .description("terminal charts of a run's metrics.jsonl")
    .addOption(new Option("--key <keys...>", "metric keys to plot"))
    .option("--height <n>", "chart height in lines", "10")
    .action(plotCommand);

  program
    .command("bench [names...]")
    .description("run the benchmarks (pnpm bench) from a source checkout")
    .action(benchCommand);

  program
    .command("showcase")
    .description(
      "scripted-expert demonstrations on CartPole → AIRL → evaluation → ONNX export, with a summary",
    )
    .option("--steps <n>", "AIRL env steps at most", "245760")
    .option("--out <dir>", "root of the run directories", "runs")
    .option("--seed <s>", "seed", "0")
    .option("--time-limit <seconds>", "stop AIRL after this many seconds", "120")
    .option("--json", "print one JSON object")
    .action(showcaseCommand);

  registerSweepCommands(program);
  return program;
}

/** Help marks required options, which commander's default help does not. */
function markRequired(option: Option): string {
  const description = new Help().optionDescription(option);
  return option.mandatory ? `${description} (required)` : description;
}

/** For ONNX policies from other libraries: the loader's `outputName` and `outputKind`. */
function outputOption(): Option {
  return new Option(
    "--output <name|index>",
    "ONNX policy: the output holding the actions or logits, by name or index (outputName)",
  );
}

function outputKindOption(): Option {
  return new Option(
    "--output-kind <kind>",
    "ONNX policy: what that output holds (outputKind)",
  ).choices(["logits", "action"]);
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (unknown option, missing argument, --help).
      return error.exitCode;
    }
    process.stderr.write(`irlkit: ${describeError(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else if (!(error instanceof CliError)) {
      process.stderr.write("(run with --verbose for the stack trace)\n");
    }
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // tfjs and onnxruntime may keep handles open; leave once pending output has drained.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (error: unknown) => {
      process.stderr.write(`irlkit: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
