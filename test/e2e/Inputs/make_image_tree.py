"""Builds an image folder (DIR/<class>/...) with the cases Keras's index_directory
decides: nested folders sorted by path, upper-case extensions, ignored files and
folders, symlinks and non-ASCII names. Files hold a PNG or JPEG signature only."""
import os
import sys

root = sys.argv[1]
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"


def write(path, data=PNG):
    path = os.path.join(root, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


write("top.png")  # directly in DIR: no class
write(".hidden/h.png")  # a hidden folder: no class
write("readme.txt", b"")
for i in range(23):
    write("cats/c%02d.%s" % (i, ["png", "PNG", "jpg", "JPEG"][i % 4]))
write("cats/notes.txt", b"")
write("cats/a/1.png")
write("cats/a b/2.jpeg", JPEG)
write("cats/a/x/3.gif")
write("cats/a-/4.Bmp")
write("cats/.thumbs/5.png")  # hidden sub-folders of a class are walked
write("cats/Zed.png")
write("cats/\u00e9t\u00e9.png")  # UTF-8 names sort by code point
write("cats/\U0001f431.png")
for i in range(17):
    write("dogs/%s/d%d.jpg" % (["", "puppies", "Puppies", "puppies/small"][i % 4], i), JPEG)
write("dogs/fake.png", b"not an image")
for i in range(11):
    write("z-birds/b%d.png" % i)
os.symlink("dogs", os.path.join(root, "hounds"))  # a symlinked class folder is a class
os.symlink("../dogs", os.path.join(root, "cats", "link"))  # not entered
os.symlink("c00.png", os.path.join(root, "cats", "alias.png"))  # a file
os.symlink("missing", os.path.join(root, "z-birds", "broken.png"))  # a file for os.walk
os.makedirs(os.path.join(root, "empty"))  # a class without images
