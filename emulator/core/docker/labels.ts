/**
 * Every container Faasbox creates carries these labels, so a later start can find and
 * remove what a crashed emulator left behind, and nothing else.
 */
export const LABELS = {
  managed: "dev.faasbox.managed",
  project: "dev.faasbox.project",
  function: "dev.faasbox.function",
  instance: "dev.faasbox.instance",
  emulator: "dev.faasbox.emulator-pid",
} as const;
