// OHIF v3's reading path for a DICOM SR (TID 1500), run by tests/sr/test_ohif.py:
// dcmjs reads and naturalizes the file, @cornerstonejs/adapters'
// Cornerstone3D.MeasurementReport.generateToolState turns its measurement groups into tool
// annotations, with image coordinates mapped to patient coordinates through the
// imagePlaneModule metadata that @cornerstonejs/core's provider gives (as OHIF's image loader
// would from the images' headers).
//
// usage: node read_sr.mjs IMAGES.json SR.dcm... > annotations.json
// IMAGES.json: {SOPInstanceUID: {imagePositionPatient, imageOrientationPatient, pixelSpacing,
// rows, columns}}. Output: one object per annotation: file, tool, trackingUid,
// referencedImageId, points (patient coordinates, mm), cachedStats.
import fs from 'node:fs';
import dcmjs from 'dcmjs';
import { metaData } from '@cornerstonejs/core';
import { adaptersSR } from '@cornerstonejs/adapters';

const [imagesFile, ...srFiles] = process.argv.slice(2);
const images = JSON.parse(fs.readFileSync(imagesFile, 'utf8'));
const imageId = (uid) => `recist:${uid}`;

metaData.addProvider((type, id) => {
  if (type !== 'imagePlaneModule' || !id?.startsWith('recist:')) return undefined;
  const image = images[id.slice('recist:'.length)];
  if (!image) return undefined;
  const [rowSpacing, columnSpacing] = image.pixelSpacing;
  const o = image.imageOrientationPatient;
  return {
    imagePositionPatient: image.imagePositionPatient,
    imageOrientationPatient: o,
    rowCosines: o.slice(0, 3),
    columnCosines: o.slice(3, 6),
    pixelSpacing: image.pixelSpacing,
    rowPixelSpacing: rowSpacing,
    columnPixelSpacing: columnSpacing,
    rows: image.rows,
    columns: image.columns,
    frameOfReferenceUID: image.frameOfReferenceUID,
  };
}, 10000);

const imageIdMap = {};
for (const uid of Object.keys(images)) imageIdMap[`${uid}:1`] = imageId(uid);

const out = [];
for (const file of srFiles) {
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const message = dcmjs.data.DicomMessage.readFile(buffer);
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict);
  const state = adaptersSR.Cornerstone3D.MeasurementReport.generateToolState(
    dataset, imageIdMap, metaData);
  for (const [tool, annotations] of Object.entries(state)) {
    for (const a of annotations) {
      out.push({
        file,
        tool,
        trackingUid: a.TrackingUniqueIdentifier,
        referencedImageId: a.annotation.metadata.referencedImageId,
        points: a.annotation.data.handles.points,
        cachedStats: a.annotation.data.cachedStats,
      });
    }
  }
}
process.stdout.write(JSON.stringify(out));
