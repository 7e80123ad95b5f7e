/**
 * Bounds on what one event may carry (stated in the README's "What the API promises"). They keep a
 * single hostile or buggy event from overflowing the stack in JSON.stringify, bloating the store or
 * failing the other events of its batch.
 */
export const eventLimits = {
  /** Levels of objects and arrays inside properties, traits, context or integrations. */
  maxDepth: 20,
  /** Keys and array items inside one of them, counted at every level. */
  maxEntries: 2_000,
  /** Bytes of each one's JSON as stored. */
  maxBytes: 32 * 1024,
} as const;

/**
 * Why `value` is too deep or too large to store, or undefined when it is fine. Iterative, so a
 * value nested thousands of levels deep is measured without recursion and refused at the first
 * level past the limit.
 */
export function shapeProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let entries = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > eventLimits.maxDepth) return `is nested deeper than ${eventLimits.maxDepth} levels`;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    entries += children.length;
    if (entries > eventLimits.maxEntries) return `holds more than ${eventLimits.maxEntries} keys and items`;
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
  }
  return undefined;
}

/** Why a stored JSON text is over the size limit, or undefined. */
export function sizeProblem(json: string): string | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no byte count.
  if (json.length * 3 <= eventLimits.maxBytes || Buffer.byteLength(json) <= eventLimits.maxBytes) return undefined;
  return `is over ${eventLimits.maxBytes / 1024} KB as JSON`;
}
