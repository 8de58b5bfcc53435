const preset = require('../../jest.preset.js');

// The matching engine's evaluation (evaluation/) runs as a test too: it fails below its nDCG@10 thresholds.
module.exports = { ...preset, testMatch: [...preset.testMatch, '<rootDir>/evaluation/**/*.spec.ts'] };
