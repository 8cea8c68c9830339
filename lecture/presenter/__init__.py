"""`lecture present`: a folder that plays the built lecture beat by beat in a browser.

beats.py reads the build's manifest and captions into beats with speaker notes;
folder.py keeps the output folder safe (temporary build, marker, swap);
build.py writes the page, its data and frames; handout.py the PDF handout;
serve.py the optional localhost server; assets/ the page's HTML, CSS and JS.

Enters: a built lecture in media/lecture/<q>/. Leaves: media/lecture/<q>/present/.
May import: lecture.media, lecture.core.
"""
