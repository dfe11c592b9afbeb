"""The seed's extract, as its write-up describes it: the whole response in memory, saved as a ZIP,
extracted to a temporary folder, then every .gz member decompressed to a .json file. No validation."""
import base64
import gzip
import os
import shutil
import sys
import tempfile
import urllib.request
import zipfile

url, api_key, secret_key, out_dir = sys.argv[1:5]
os.makedirs(out_dir, exist_ok=True)
token = base64.b64encode(f"{api_key}:{secret_key}".encode()).decode()
request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
with urllib.request.urlopen(request) as response:
    content = response.read()
zip_file_path = os.path.join(out_dir, "amp_events.zip")
with open(zip_file_path, "wb") as f:
    f.write(content)
temp_dir = tempfile.mkdtemp(dir=out_dir)
with zipfile.ZipFile(zip_file_path, "r") as zip_ref:
    zip_ref.extractall(temp_dir)
files = 0
for root, _, names in os.walk(temp_dir):
    for name in names:
        if name.endswith(".gz"):
            with gzip.open(os.path.join(root, name), "rb") as gz_file, open(
                os.path.join(out_dir, name[:-3]), "wb"
            ) as out_file:
                shutil.copyfileobj(gz_file, out_file)
            files += 1
shutil.rmtree(temp_dir)
print(files)
