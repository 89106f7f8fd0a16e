"""`framework_of` imports only the model module that registers a policy's framework name
(frameworks.MODEL_NAMES): the table must name every module and every name, or a run
quietly falls back to importing every model."""

from __future__ import annotations

import ast
import subprocess
import sys

from corslint.frameworks import MODEL_NAMES, frameworks, model_modules


def test_the_table_names_each_model_module_with_the_names_it_registers() -> None:
    registered = {
        module.__name__.rpartition(".")[2]: tuple(
            f.name for f in getattr(module, "FRAMEWORKS", None) or (module.FRAMEWORK,)
        )
        for module in model_modules()
    }
    assert {module: set(names) for module, names in MODEL_NAMES.items()} == {
        module: set(names) for module, names in registered.items()
    }
    every = [name for names in registered.values() for name in names]
    assert len(every) == len(set(every))  # one module per name: loading one decides it


def test_framework_of_gives_the_registered_framework() -> None:
    # in a fresh process: each name looked up before the registry is ever filled
    script = (
        "from corslint.frameworks import MODEL_NAMES, framework_of, frameworks\n"
        "from corslint.model import CorsPolicy\n"
        "def policy(name):\n"
        "    made = CorsPolicy.__new__(CorsPolicy)\n"
        "    object.__setattr__(made, 'framework', name)\n"
        "    return made\n"
        "names = [name for names in MODEL_NAMES.values() for name in names]\n"
        "lazily = {name: framework_of(policy(name)) for name in names}\n"
        "registry = frameworks()\n"
        "assert all(registry[name] is found for name, found in lazily.items())\n"
        "assert all(framework_of(policy(name)) is framework for name, framework in registry.items())\n"
        "print(len(lazily))\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert int(shown) == len(frameworks())


def test_a_policy_imports_only_its_own_model() -> None:
    script = (
        "import sys\n"
        "from corslint.frameworks import framework_of\n"
        "from corslint.model import CorsPolicy\n"
        "policy = CorsPolicy.__new__(CorsPolicy)\n"
        "object.__setattr__(policy, 'framework', 'django')\n"
        "assert framework_of(policy).name == 'django'\n"
        "print(sorted(m for m in sys.modules if m.startswith('corslint.frameworks.')))\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    loaded = {name.rpartition(".")[2] for name in ast.literal_eval(shown)}
    assert "django_cors" in loaded
    assert len(loaded & set(MODEL_NAMES)) < len(MODEL_NAMES) // 4  # not every model
