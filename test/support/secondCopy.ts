/**
 * A second, separate copy of a module, loaded beside the first as a process that holds two copies of
 * this package loads it: for tests of what must hold across copies (brands, the provider process's
 * state). The first copy stays the one every other import gets.
 *
 * @param file the module's resolved file name (`require.resolve("../../src/api/errors")`).
 */
export function secondCopy<T>(file: string): T {
    const first = require.cache[file];
    delete require.cache[file];
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(file) as T;
    } finally {
        require.cache[file] = first;
    }
}
