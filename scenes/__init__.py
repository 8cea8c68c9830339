"""The lecture's scenes. LECTURE is the one list of their order.

Each entry is a class name; its file is the name in snake case
(SignOfGradient lives in scenes/sign_of_gradient.py).
"""

LECTURE = (
    "Intro",
    "SignOfGradient",
    "LearningRate",
    "ChainRule",
    "MseVsMae",
    "CrossEntropy",
    "VanishingSigmoid",
    "ReluGradient",
    "Recap",
)

# A still for the video's thumbnail: rendered with the lecture, never joined into it.
THUMBNAIL = "Thumbnail"
