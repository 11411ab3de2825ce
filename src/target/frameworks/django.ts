import path from 'node:path';
import { djangoCandidate } from './django-candidates.js';
import { readDjangoDatabases, settingsFiles } from './django-settings.js';
import { djangoMessages, djangoSettingsMessages } from './messages-laravel-rails-django.js';
import { findFrameworkDir, optionValue, programName, readProjectFile, withoutLaunchers } from './project-files.js';
import type { FrameworkInput, FrameworkProblem, FrameworkReader, FrameworkReading } from './types.js';

const LAUNCHERS = [['python', '-m'], ['python3', '-m'], ['python'], ['python3'], ['uv', 'run'], ['poetry', 'run'], ['pipenv', 'run'], ['pdm', 'run']] as const;

/** pytest-django's setting, in the files pytest reads its configuration from. */
const PYTEST_CONFIG_FILES = ['pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];
const PYTEST_SETTING = /^\s*DJANGO_SETTINGS_MODULE\s*=\s*["']?([\w.]+)["']?|^\s*addopts\s*=.*--ds[= ]([\w.]+)/m;

interface SettingsChoice {
  module?: string;
  why: string;
  testRun: boolean;
}

/**
 * Django (a manage.py): DATABASES of the settings module the command uses
 * (`--settings`, DJANGO_SETTINGS_MODULE, pytest-django's setting, manage.py's
 * default), read as text. `manage.py test` and pytest-django runs use the
 * test databases the runner creates (`test_<NAME>`).
 */
export const readDjango: FrameworkReader = (input) => {
  const dir = findFrameworkDir(input, 'manage.py');
  if (dir === undefined) return null;
  const problems: FrameworkProblem[] = [];
  const manage = path.join(dir, 'manage.py');
  const choice = chooseSettings(input, dir, manage, problems);
  const reading: FrameworkReading = { framework: 'django', candidates: [], problems };
  if (!choice.module) {
    problems.push({ framework: 'django', file: manage, message: djangoSettingsMessages.noSettingsModule(manage) });
    return reading;
  }
  reading.environment = {
    name: choice.module,
    reason: choice.testRun ? `${choice.why}; the test run uses the test databases it creates (test_<NAME>)` : choice.why,
  };
  const tried = settingsFiles(dir, choice.module);
  const file = tried.find((candidate) => typeof input.readFile(candidate) === 'string');
  if (!file) {
    problems.push({ framework: 'django', file: tried[0]!, message: djangoMessages.settingsNotFound(choice.module, tried) });
    return reading;
  }
  const databases = readDjangoDatabases(input, dir, file, problems);
  if (!databases) {
    if (!problems.some((found) => found.framework === 'django')) problems.push({ framework: 'django', file, message: djangoMessages.noDatabases(file) });
    return reading;
  }
  const context = { root: dir, scope: { names: databases.names, variable: input.variable }, problems, testRun: choice.testRun };
  for (const alias of databases.aliases.keys()) {
    const candidate = djangoCandidate(context, databases, alias);
    if (candidate) reading.candidates.push(candidate);
  }
  return reading;
};

function chooseSettings(input: FrameworkInput, dir: string, manage: string, problems: FrameworkProblem[]): SettingsChoice {
  const words = withoutLaunchers(input.argv ?? [], LAUNCHERS);
  const program = programName(words[0]);
  const isManage = program === 'manage.py' || program === 'django-admin';
  const isPytest = program === 'pytest' || program === 'py.test';
  const fromFlag = isManage ? optionValue(words, '--settings') : isPytest ? optionValue(words, '--ds') : undefined;
  const fromVariable = input.variable('DJANGO_SETTINGS_MODULE');
  const fromPytest = isPytest ? pytestSetting(input, dir) : undefined;
  const pytestDjango = isPytest && Boolean(fromFlag ?? fromVariable ?? fromPytest);
  const testRun = (isManage && words.slice(1).find((word) => !word.startsWith('-')) === 'test') || pytestDjango;
  if (fromFlag) return { module: fromFlag, why: `${isManage ? '--settings' : '--ds'}=${fromFlag} on the command line`, testRun };
  if (fromVariable) return { module: fromVariable, why: `DJANGO_SETTINGS_MODULE=${fromVariable} in the environment`, testRun };
  if (fromPytest) return { module: fromPytest.module, why: `DJANGO_SETTINGS_MODULE=${fromPytest.module} in ${fromPytest.file} (pytest-django)`, testRun };
  const manageText = readProjectFile(input, 'django', manage, problems) ?? '';
  const fromManage = /os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']\s*\)/.exec(manageText)?.[1];
  return fromManage ? { module: fromManage, why: `manage.py's default DJANGO_SETTINGS_MODULE=${fromManage}`, testRun } : { why: '', testRun };
}

function pytestSetting(input: FrameworkInput, dir: string): { module: string; file: string } | undefined {
  for (const name of PYTEST_CONFIG_FILES) {
    const text = input.readFile(path.join(dir, name));
    if (typeof text !== 'string') continue;
    const found = PYTEST_SETTING.exec(text);
    const module = found?.[1] ?? found?.[2];
    if (module) return { module, file: name };
  }
  return undefined;
}
