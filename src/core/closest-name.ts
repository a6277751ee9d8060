// "Did you mean …?" for names a user typed: the candidate at the smallest edit distance, if it is close enough
// to be a typo rather than a different word.

const MAX_TYPO_DISTANCE = 2;

/** The candidate `name` most likely meant (case-insensitive, at most two edits away), or undefined. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    // Two edits turn any two-letter word into any other: the bound shrinks with the name.
    if (distance > Math.min(MAX_TYPO_DISTANCE, Math.ceil(candidate.length / 3))) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
