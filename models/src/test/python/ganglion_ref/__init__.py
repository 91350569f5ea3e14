"""PyTorch reference implementations of Ganglion's models (models.md), tasks and file formats.

Used to write the golden files the Java tests read and as the PyTorch side of training/bench
comparisons. Pure Python + torch (+ numpy for byte conversion); no other packages.
"""
