// ESLint flat config: type-checked rules, because a job queue is mostly promises.
import tseslint from "typescript-eslint";

const DRIVER_FOLDERS = ["src/backend/redis/**", "src/backend/postgres/**", "src/backend/amqp/**"];
const DRIVER_PATHS = ["ioredis", "pg", "amqplib"].map((name) => ({
  name,
  message: "Drivers load only inside their backend folder.",
}));

/** A relative import that climbs (`../`, any number of times) into one of `folders`. */
const into = (folders) => `^(?:\\.\\./)+(?:${folders.join("|")})/`;
/** A relative import that climbs into any folder but `folders`. */
const outside = (folders) => `^(?:\\.\\./)+(?!(?:${folders.join("|")})/)[^/]+/`;

const BACKEND_POINTS_DOWN = {
  regex: into([
    "queue",
    "worker",
    "job",
    "schedules",
    "flows",
    "events",
    "tasks",
    "cli",
    "testing",
    "metrics",
  ]),
  message: "backend/ sits below the public handles: import the shared piece from model/ (or move it there).",
};

/** One no-restricted-imports block: the driver rule (unless `drivers` is false) plus `patterns`. */
function importRules(files, { ignores = [], drivers = true, patterns = [] } = {}) {
  return {
    files,
    ignores,
    rules: { "no-restricted-imports": ["error", { paths: drivers ? DRIVER_PATHS : [], patterns }] },
  };
}

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
  // Drivers load only inside their backend folder; the layer blocks below repeat this, as a later block's
  // no-restricted-imports replaces an earlier one's.
  importRules(["src/**/*.ts"], { ignores: DRIVER_FOLDERS }),
  // Layers, lowest first: core/, errors/, logging/ and tracing/; model/ (the job model the handles and the backends
  // share); backend/; the public handles. Every import points down.
  importRules(["src/core/**/*.ts", "src/errors/**/*.ts", "src/logging/**/*.ts", "src/tracing/**/*.ts"], {
    patterns: [
      {
        regex: outside(["core", "errors", "logging", "tracing"]),
        message: "core/, errors/, logging/ and tracing/ import only each other.",
      },
    ],
  }),
  importRules(["src/model/**/*.ts"], {
    patterns: [
      {
        regex: outside(["core", "errors", "logging", "tracing"]),
        message:
          "model/ sits below the handles and the backends: it imports only core/, errors/, logging/ and tracing/.",
      },
    ],
  }),
  {
    // The library logs through its Logger (src/logging): a console line has no level, no fields, no redaction.
    files: ["src/**/*.ts"],
    rules: { "no-console": "error" },
  },
  importRules(["src/backend/**/*.ts"], { ignores: DRIVER_FOLDERS, patterns: [BACKEND_POINTS_DOWN] }),
  importRules(DRIVER_FOLDERS, { drivers: false, patterns: [BACKEND_POINTS_DOWN] }),
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
