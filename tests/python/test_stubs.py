"""The type stubs (packsim/__init__.pyi, _packsim.pyi) describe the package as it is:
every public name is stubbed and every stubbed name exists, with the same
parameters, and every stubbed public function and class has a docstring."""

import ast
import inspect
import os

import pytest

import packsim
from packsim import _packsim

PACKAGE_DIR = os.path.dirname(packsim.__file__)


def stub_tree(name):
    with open(os.path.join(PACKAGE_DIR, name), encoding="utf-8") as file:
        return ast.parse(file.read())


def stubbed(tree):
    """{name: node} of the module-level classes, functions and annotated names of a stub."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            for alias in node.names:
                if alias.asname == alias.name:  # `from x import y as y`: a re-export
                    names[alias.name] = node
    return names


def parameters_of(function_node):
    arguments = function_node.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    if arguments.vararg:
        names.append("*" + arguments.vararg.arg)
    if arguments.kwarg:
        names.append("**" + arguments.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]


def runtime_parameters(function):
    signature = inspect.signature(function)
    names = []
    for parameter in signature.parameters.values():
        prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        names.append(prefix + parameter.name)
    return [n for n in names if n not in ("self", "cls")]


def test_every_public_name_of_the_package_is_stubbed_and_every_stub_exists():
    names = stubbed(stub_tree("__init__.pyi"))
    public = set(packsim.__all__)
    missing = sorted(public - set(names))
    assert not missing, f"in packsim.__all__ but not in __init__.pyi: {missing}"
    for name in names:
        if name in ("PathLike", "Quantity", "ScenarioLike", "plots"):
            continue  # type aliases and the submodule
        assert hasattr(packsim, name), f"__init__.pyi stubs {name}, which packsim does not have"


def test_stubbed_functions_and_methods_take_the_parameters_the_package_takes():
    for name, node in stubbed(stub_tree("__init__.pyi")).items():
        runtime = getattr(packsim, name, None)
        if isinstance(node, ast.FunctionDef):
            assert parameters_of(node) == runtime_parameters(runtime), name
            assert ast.get_docstring(node), f"{name} has no docstring in the stub"
        elif isinstance(node, ast.ClassDef) and inspect.isclass(runtime) and runtime.__module__.startswith("packsim."):
            assert ast.get_docstring(node), f"class {name} has no docstring in the stub"
            for member in node.body:
                if not isinstance(member, ast.FunctionDef) or member.name.startswith("__") and member.name != "__init__":
                    continue
                attribute = inspect.getattr_static(runtime, member.name, None)
                assert attribute is not None, f"{name}.{member.name} is stubbed but does not exist"
                if isinstance(attribute, property):
                    is_property = any(getattr(d, "id", None) == "property" for d in member.decorator_list)
                    assert is_property, f"{name}.{member.name} is a property at runtime"
                    continue
                function = attribute.__func__ if isinstance(attribute, (classmethod, staticmethod)) else attribute
                assert parameters_of(member) == runtime_parameters(function), f"{name}.{member.name}"


def test_the_public_methods_of_the_classes_are_all_stubbed():
    stubs = stubbed(stub_tree("__init__.pyi"))
    for name in ("Scenario", "Result", "Trace", "Simulator", "PackView", "AfeView", "BmsView", "CanView", "ServiceView"):
        runtime = getattr(packsim, name, None) or getattr(packsim._simulator, name)
        stub = stubs[name]
        stubbed_members = {m.name for m in stub.body if isinstance(m, ast.FunctionDef)}
        stubbed_members |= {m.target.id for m in stub.body if isinstance(m, ast.AnnAssign)}
        for member, value in vars(runtime).items():
            if member.startswith("_") or member in ("scenario",):
                continue
            assert member in stubbed_members, f"{name}.{member} is public but not in __init__.pyi"


@pytest.mark.parametrize("name", ["_load_scenario", "_yaml_to_python", "_run"])
def test_the_extension_stub_names_its_functions(name):
    assert name in stubbed(stub_tree("_packsim.pyi"))
    assert hasattr(_packsim, name)


def test_the_extension_stub_lists_every_method_of_the_live_rig():
    stub = stubbed(stub_tree("_packsim.pyi"))["_Simulator"]
    members = {m.name for m in stub.body if isinstance(m, ast.FunctionDef)}
    members |= {m.target.id for m in stub.body if isinstance(m, ast.AnnAssign)}
    for member in dir(_packsim._Simulator):
        if not member.startswith("_"):
            assert member in members, f"_Simulator.{member} is not in _packsim.pyi"
