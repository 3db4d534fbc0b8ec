import { make, registeredIds, spec } from "@irlkit/envs";
import { episodeHorizon, expertKind, makeEnv } from "../environments.js";
import { anchorReturns } from "../evaluation.js";
import { withinLimit } from "../limits.js";
import { parseInteger, printJson, printTable } from "../options.js";
import { formatNumber } from "../progress.js";

export async function envsCommand(
  id: string | undefined,
  options: { json?: boolean; episodes: string },
): Promise<void> {
  if (id === undefined) {
    const rows = registeredIds().map((envId) => {
      const registration = spec(envId);
      const env = make(envId);
      const row = {
        id: envId,
        observationSpace: env.observationSpace.describe(),
        actionSpace: env.actionSpace.describe(),
        horizon: episodeHorizon(envId) ?? null,
        rewardThreshold: registration.rewardThreshold ?? null,
        expert: expertKind(envId) ?? null,
        description: registration.description ?? "",
      };
      env.close();
      return row;
    });
    if (options.json) {
      printJson({ envs: rows });
      return;
    }
    process.stdout.write(
      `${printTable([
        ["id", "horizon", "expert", "description"],
        ...rows.map((row) => [
          row.id,
          String(row.horizon ?? "-"),
          row.expert ?? "-",
          row.description,
        ]),
      ])}\n`,
    );
    return;
  }
  const env = makeEnv(id);
  const registration = spec(id);
  const episodes = withinLimit(
    parseInteger(options.episodes, "--episodes", 1),
    "--episodes",
    "maxEpisodes",
  );
  const anchors = await anchorReturns(id, episodes, 0);
  const description = {
    id,
    description: registration.description ?? "",
    observationSpace: env.observationSpace.toJSON(),
    actionSpace: env.actionSpace.toJSON(),
    horizon: episodeHorizon(id) ?? null,
    fixedHorizon: registration.fixedHorizon !== undefined,
    rewardThreshold: registration.rewardThreshold ?? null,
    expert: expertKind(id) ?? null,
    expertReturn: anchors.expert,
    randomReturn: anchors.random,
    returnEpisodes: episodes,
  };
  if (options.json) {
    printJson(description);
    env.close();
    return;
  }
  process.stdout.write(
    [
      `${id} — ${description.description}`,
      `  observations     ${env.observationSpace.describe()}`,
      `  actions          ${env.actionSpace.describe()}`,
      `  horizon          ${description.horizon ?? "none"}${description.fixedHorizon ? " (fixed, seals-style)" : ""}`,
      `  reward threshold ${description.rewardThreshold ?? "none"}`,
      `  expert           ${description.expert ?? "none"}${anchors.expert === null ? "" : `, return ${formatNumber(anchors.expert)} (mean of ${episodes})`}`,
      `  random return    ${formatNumber(anchors.random)} (mean of ${episodes})`,
      "",
    ].join("\n"),
  );
  env.close();
}
