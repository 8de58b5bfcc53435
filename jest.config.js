// Every workspace's tests in one jest run, so `npm test` ends with a single summary.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/test/*/jest.config.js'],
};
