// The caller's patience (a bot's card, an IVR's HTTP block): the platform's answer if it
// comes in time, otherwise "deadline" at once, the work going on in the background
// (waitUntil) and recorded when it ends.

export async function withinDeadline<T>(work: Promise<T>, deadlineMs: number, waitUntil: (p: Promise<unknown>) => void): Promise<T | "deadline"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deadlineMs);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (first === "deadline") waitUntil(work.catch(() => undefined));
  return first;
}
