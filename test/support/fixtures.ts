import type { NewProject } from '../../shared/domain/marketplace/project';

/** A valid single-choice project for tests; override what a test is about. */
export const newProject = (overrides: Partial<NewProject> = {}): NewProject => ({
  title: 'Cats or dogs',
  description: '',
  instructions: 'Pick one',
  answerSpec: {
    type: 'single_choice',
    question: 'Which animal?',
    options: [
      { value: 'cat', label: 'Cat' },
      { value: 'dog', label: 'Dog' },
    ],
  },
  rewardMinor: 15,
  currency: 'EUR',
  redundancy: 3,
  assignmentDurationSeconds: 600,
  ...overrides,
});
