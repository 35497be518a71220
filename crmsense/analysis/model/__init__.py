"""crmsense's own sentiment model (``model.v1``): ONNX encoder + numpy heads.

:mod:`.engine` runs it (onnxruntime + tokenizers only), :mod:`.tune` fits new heads on a
customer's labelled messages, :mod:`.train` rebuilds the shipped model (``[train]`` extra).
The shipped files and their model card are in ``data/``.
"""
