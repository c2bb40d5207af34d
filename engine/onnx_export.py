"""The trained network as an ONNX model (the optional `onnx` extra).

Graph: input `points` float32 (n, 2) of x₁, x₂ → the active features
(columns sliced, products, Sin) concatenated (n, k) → per layer MatMul and
Add, then the hidden activation (or the output's) → `output` float32 (n,).
`onnxruntime` runs it to the engine's predictions within 1e-5 (float32).
"""

from __future__ import annotations

import numpy as np

from .export import ExportError, model_json


def onnx_bytes(session) -> bytes:
    """The serialized ONNX model. Raises ExportError when the `onnx` package
    is missing or the network cannot be exported."""
    model = model_json(session)
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        raise ExportError(
            'the onnx format needs the optional `onnx` extra (pip install "neural-playground[onnx]")'
        ) from None
    nodes, inits = [], []
    counter = iter(range(10**6))

    def name(prefix: str) -> str:
        return f"{prefix}_{next(counter)}"

    def const(values, prefix="c") -> str:
        tensor = numpy_helper.from_array(np.asarray(values), name(prefix))
        inits.append(tensor)
        return tensor.name

    def op(kind: str, *inputs: str, **attrs) -> str:
        out = name(kind.lower())
        nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def column(index: int) -> str:
        return op(
            "Slice",
            "points",
            const(np.array([index], np.int64)),
            const(np.array([index + 1], np.int64)),
            const(np.array([1], np.int64)),
        )

    x1, x2 = column(0), column(1)
    feature_nodes = {
        "x": lambda: x1,
        "y": lambda: x2,
        "xSquared": lambda: op("Mul", x1, x1),
        "ySquared": lambda: op("Mul", x2, x2),
        "xTimesY": lambda: op("Mul", x1, x2),
        "sinX": lambda: op("Sin", x1),
        "sinY": lambda: op("Sin", x2),
    }
    columns = [feature_nodes[feature]() for feature in model["features"]]
    if not columns:
        raise ExportError("a network without inputs cannot be exported as ONNX")
    a = op("Concat", *columns, axis=1) if len(columns) > 1 else columns[0]

    def half(z):
        return op("Mul", z, const(np.array(0.5, np.float32)))

    def activation(kind: str, z: str) -> str:
        if kind == "relu":
            return op("Relu", z)
        if kind in ("tanh",):
            return op("Tanh", z)
        if kind == "sigmoid":
            return op("Sigmoid", z)
        if kind in ("linear", "identity"):
            return z
        if kind == "leakyRelu":
            return op("LeakyRelu", z, alpha=0.01)
        if kind == "elu":
            return op("Elu", z, alpha=1.0)
        if kind == "softplus":
            return op("Softplus", z)
        if kind == "swish":
            return op("Mul", z, op("Sigmoid", z))
        if kind == "gelu":
            cube = op("Mul", op("Mul", z, z), z)
            inner = op(
                "Mul",
                op("Add", z, op("Mul", cube, const(np.array(0.044715, np.float32)))),
                const(np.array(0.7978845608028654, np.float32)),
            )
            return op("Mul", half(z), op("Add", op("Tanh", inner), const(np.array(1.0, np.float32))))
        if kind == "sine":
            return op("Sin", z)
        if kind == "tanh_half":
            return op("Tanh", half(z))
        raise ExportError(f"no ONNX form for {kind}")

    layers = model["layers"]
    for index, layer in enumerate(layers):
        rows, cols = model["layer_sizes"][index], model["layer_sizes"][index + 1]
        weights = const(np.array(layer["weights"], np.float32).reshape(rows, cols), "W")
        biases = const(np.array(layer["biases"], np.float32), "b")
        z = op("Add", op("MatMul", a, weights), biases)
        a = activation(model["output"] if index == len(layers) - 1 else model["activation"], z)
    nodes.append(helper.make_node("Reshape", [a, const(np.array([-1], np.int64))], ["output"]))
    graph = helper.make_graph(
        nodes,
        "neural_playground",
        [helper.make_tensor_value_info("points", TensorProto.FLOAT, ["n", 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["n"])],
        initializer=inits,
    )
    onnx_model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="neural-playground"
    )
    onnx_model.ir_version = 8  # readable by onnxruntime releases of the last years
    onnx.checker.check_model(onnx_model)
    return onnx_model.SerializeToString()
