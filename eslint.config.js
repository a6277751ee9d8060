// ESLint flat config: type-checked rules, because a job queue is mostly promises.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "bench/node_modules/**",
      // Peer benchmarks import packages that exist only after `npm run bench` installs bench/package.json.
      "bench/peers/**",
      // Plain JS modules that import the built package, as a user's task module would.
      "test/e2e/fixtures/*.mjs",
      "bench/**/*.mjs",
      "coverage/**",
      "eslint.config.js",
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "max-lines": ["error", { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/backend/redis/**", "src/backend/postgres/**", "src/backend/amqp/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["ioredis", "pg", "amqplib"].map((name) => ({
            name,
            message: "Drivers load only inside their backend folder.",
          })),
        },
      ],
    },
  },
  {
    // One clock: library code reads time from the Clock it was given (a FakeClock in tests), or, to bound a real
    // wait, from realTimeNow(); both live in src/core/clock.ts. Tests and benches measure real time freely.
    files: ["src/**/*.ts"],
    ignores: ["src/core/clock.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "Date",
          property: "now",
          message:
            "Read time from the injected Clock (or realTimeNow() to bound a real wait), from src/core/clock.ts.",
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "new Date() reads the system time: use new Date(clock.now()) with the injected Clock.",
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: "Date() reads the system time: use new Date(clock.now()) with the injected Clock.",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "examples/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/unbound-method": "off",
      "max-lines": ["error", { max: 650, skipBlankLines: true, skipComments: true }],
    },
  },
);
