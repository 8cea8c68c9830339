"""The `lecture` command: render, rerender, build, storyboard, watch and publish the lecture."""
