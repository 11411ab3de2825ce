import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { UndoStep } from './undo.js';

function kindOf(step: UndoStep): string {
  return step.manifest.snapshot ? 'snapshot' : 'backup';
}

/** What `dbsafe undo` says. */
export const undoMessages = {
  nothing: (database: string) =>
    new DbsafeError(
      'undo-nothing',
      `There is nothing to undo for ${database}: no guarded command (dbsafe run, guard, the agent or pre-push hook) has backed it up in this project, and no restore has been made. \`dbsafe list\` shows the backups \`dbsafe restore\` can use.`,
      ExitCode.failure,
    ),
  unknownStep: (id: string) =>
    new DbsafeError('undo-unknown', `${id} is not one of the steps \`dbsafe undo --list\` shows. Pick an id from that list.`, ExitCode.usage),
  plan: (step: UndoStep, where: string) =>
    [
      `Undo: ${step.what}`,
      `  ran ${step.when} by ${step.who}${step.exitCode !== null ? `, exit code ${step.exitCode}` : ''}`,
      `  ${where} will be replaced by ${kindOf(step)} ${step.manifest.id}, taken just before it (${step.manifest.createdAt}).`,
      '  Its current state is kept as a safety copy: running dbsafe undo again brings it back.',
    ].join('\n'),
  question: () => 'Put the database back as it was?',
  listHeader: (database: string) => `Steps dbsafe undo can take for ${database}, newest first (dbsafe undo ID picks one):`,
  listLine: (step: UndoStep) => `  ${step.manifest.id}  ${kindOf(step)}  ${step.when}  ${step.who}  ${step.what}`,
  emptyList: (database: string) => `Nothing to undo for ${database} yet.`,
  needsYes: () =>
    new DbsafeError(
      'confirmation-needed',
      'dbsafe undo replaces the database with its state before the command shown above, and there is no terminal to confirm on. Pass --yes to confirm (the current state is kept as a safety copy).',
      ExitCode.refused,
    ),
} as const;
