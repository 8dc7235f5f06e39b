/**
 * The viewer's mark on a released attachment: a PDF gets a visible diagonal overlay and a footer on
 * every page naming viewer, institution, time and access id, and the same text in its metadata; an
 * image is released as a one-page PDF holding it under the same mark.
 */
import { PDFDocument, StandardFonts, degrees, rgb, type PDFPage, type PDFFont } from 'pdf-lib';

/** Helvetica's encoding covers printable ASCII; anything else is shown as "?". */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function markPage(page: PDFPage, font: PDFFont, text: string): void {
  const { width, height } = page.getSize();
  const size = Math.max(8, Math.min(18, (width * 0.9) / Math.max(1, font.widthOfTextAtSize(text, 1))));
  page.drawText(text, {
    x: width * 0.08,
    y: height * 0.3,
    size,
    font,
    color: rgb(0.75, 0.1, 0.1),
    opacity: 0.35,
    rotate: degrees(35),
  });
  page.drawText(text, { x: 12, y: 12, size: 8, font, color: rgb(0.4, 0.4, 0.4) });
}

async function finish(pdf: PDFDocument, text: string): Promise<Uint8Array> {
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const page of pdf.getPages()) markPage(page, font, text);
  pdf.setSubject(text);
  pdf.setKeywords(['hdt-watermark', text]);
  return pdf.save();
}

/** Throws when `bytes` is not a PDF (or an image of `contentType`) that can be marked. */
export async function checkMarkable(bytes: Uint8Array, contentType: string): Promise<void> {
  await watermark(bytes, contentType, 'check');
}

/** The released copy: always a PDF carrying `text` visibly and in its metadata. */
export async function watermark(bytes: Uint8Array, contentType: string, text: string): Promise<Uint8Array> {
  const mark = printable(text);
  if (contentType === 'application/pdf') return finish(await PDFDocument.load(bytes), mark);
  const pdf = await PDFDocument.create();
  const image = contentType === 'image/png' ? await pdf.embedPng(bytes) : await pdf.embedJpg(bytes);
  const scale = Math.min(1, 1000 / Math.max(image.width, image.height));
  const page = pdf.addPage([Math.max(200, image.width * scale), Math.max(200, image.height * scale)]);
  page.drawImage(image, { x: 0, y: 0, width: image.width * scale, height: image.height * scale });
  return finish(pdf, mark);
}
