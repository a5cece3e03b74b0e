// OHIF v3's writing path for a DICOM SR (TID 1500), run by tests/sr/test_dcmjs_import.py:
// Cornerstone3D Length and Bidirectional annotations on one image, turned into an SR by
// @cornerstonejs/adapters' Cornerstone3D.MeasurementReport.generateReport and written by
// dcmjs, as OHIF's "Export" / "Save" of measurements does.
//
// usage: node write_sr.mjs SPEC.json OUT.dcm
// SPEC.json: {instance: {SOPInstanceUID, SOPClassUID, StudyInstanceUID, SeriesInstanceUID,
// PatientID, PatientName, ...}, plane: {imagePositionPatient, imageOrientationPatient,
// pixelSpacing, rows, columns}, measurements: [{tool: "Length" | "Bidirectional",
// points: [[x, y], ...] (image coordinates, as SCOORD), length, width}]}
import fs from 'node:fs';
import dcmjs from 'dcmjs';
import { metaData, utilities } from '@cornerstonejs/core';
import { adaptersSR } from '@cornerstonejs/adapters';

const [specFile, outFile] = process.argv.slice(2);
const { instance, plane, measurements } = JSON.parse(fs.readFileSync(specFile, 'utf8'));
const imageId = `recist:${instance.SOPInstanceUID}`;
const [rowSpacing, columnSpacing] = plane.pixelSpacing;
const o = plane.imageOrientationPatient;
const modules = {
  imagePlaneModule: {
    imagePositionPatient: plane.imagePositionPatient,
    imageOrientationPatient: o,
    rowCosines: o.slice(0, 3),
    columnCosines: o.slice(3, 6),
    pixelSpacing: plane.pixelSpacing,
    rowPixelSpacing: rowSpacing,
    columnPixelSpacing: columnSpacing,
    rows: plane.rows,
    columns: plane.columns,
    frameOfReferenceUID: instance.FrameOfReferenceUID,
  },
  sopCommonModule: {
    sopInstanceUID: instance.SOPInstanceUID,
    sopClassUID: instance.SOPClassUID,
  },
  instance,
};
metaData.addProvider((type, id) => (id === imageId ? modules[type] : undefined), 10000);

const toolData = {};
for (const m of measurements) {
  const points = m.points.map((p) => utilities.imageToWorldCoords(imageId, p));
  const stats = m.tool === 'Length'
    ? { length: m.length, unit: 'mm' }
    : { length: m.length, width: m.width, unit: 'mm', widthUnit: 'mm' };
  toolData[m.tool] ||= { data: [] };
  toolData[m.tool].data.push({
    metadata: { referencedImageId: imageId, toolName: m.tool },
    data: { handles: { points }, cachedStats: { [`imageId:${imageId}`]: stats } },
  });
}
const report = adaptersSR.Cornerstone3D.MeasurementReport.generateReport(
  { [imageId]: toolData }, metaData, {});
const buffer = dcmjs.data.datasetToBuffer(report.dataset);
fs.writeFileSync(outFile, Buffer.from(buffer));
