// The endpoint-overhead benchmarks' shared measure: warm both paths, then alternate rounds
// of requests through the connector and straight to the provider's emulator, one at a
// time, and report p50/p99 of each and their difference (the connector's own overhead).
import { percentile } from "./load.ts";

export async function measureOverhead(title: string, via: () => Promise<number>, direct: () => Promise<number>, rounds: number, requests: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    await via();
    await direct();
  }
  const through: number[] = [];
  const straight: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [via, direct] : [direct, via];
    for (const run of order) {
      const sink = run === via ? through : straight;
      for (let i = 0; i < requests; i++) sink.push(await run());
    }
  }
  const p = (xs: number[], q: number) => percentile(xs, q);
  const overhead50 = p(through, 50) - p(straight, 50);
  const overhead99 = p(through, 99) - p(straight, 99);
  const f = (n: number) => n.toFixed(2).padStart(7);
  return (
    [
      `${title}: ${rounds} rounds x ${requests} requests, one at a time`,
      `path                      p50 ms   p99 ms`,
      `direct to the provider   ${f(p(straight, 50))}  ${f(p(straight, 99))}`,
      `through the connector    ${f(p(through, 50))}  ${f(p(through, 99))}`,
      `our overhead             ${f(overhead50)}  ${f(overhead99)}   (target p99 <= 30 ms: ${overhead99 <= 30 ? "met" : "NOT met"})`,
    ].join("\n") + "\n"
  );
}
