import root from '../../eslint.config.js';

const adapterOnly = 'The engine reaches its queue through the StepScheduler port; BullMQ belongs to src/bullmq (@overture/journeys/bullmq).';

export default [
  ...root,
  {
    // Engine only: no queue library outside its adapter, and the adapter is never imported back.
    files: ['src/**/*.ts'],
    ignores: ['src/bullmq/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'ioredis', message: adapterOnly },
          ],
          patterns: [
            { group: ['@overture/*/src/*'], message: "Import a package's public index, not its internals." },
            { group: ['**/bullmq', '**/bullmq/*'], message: adapterOnly },
          ],
        },
      ],
    },
  },
];
