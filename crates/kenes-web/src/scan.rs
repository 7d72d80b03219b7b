//! Reading a QR code from a photo (issue 13): a member who cannot paste a
//! ticket or a key (it was shown on another phone, or sent as a picture)
//! picks a photo of its QR code, and the node decodes it.
//!
//! The photo is hostile input: its format is sniffed from its bytes (JPEG,
//! PNG or WebP, what phones make), its dimensions and the decoder's
//! allocations are bounded before any pixel is decoded, and a failure is
//! one [`ScanError`]. The decoded text is never acted on here: the page
//! that asked for it shows it in the field it fills, and the member checks
//! it and submits the form as if they had pasted it.
//!
//! Why a photo and not the camera in the page: reading the camera needs a
//! secure context (HTTPS or localhost), which a hub on a hotspot without
//! `--tls` is not, and a script; a file input works on every phone,
//! offers the camera itself, and takes a picture received in a message.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::http::StatusCode;
use image::{ImageReader, Limits};
use std::io::Cursor;
use thiserror::Error;

/// Largest photo accepted, in bytes: a 12-megapixel phone JPEG is 3–6 MB.
pub const MAX_PHOTO_BYTES: usize = 12 << 20;

/// Largest scan form: the photo and its field's name.
pub const MAX_UPLOAD: usize = MAX_PHOTO_BYTES + (64 << 10);

/// The field a photo may fill on `/me`: the key to vouch for.
pub const VOUCH_KEY: &str = "vouch-key-pubkey";
/// The field a photo may fill on `/peers`: a peer's ticket.
pub const PEER_TICKET: &str = "f-ticket";
/// The field a photo may fill while onboarding: the ticket to join with.
pub const JOIN_TICKET: &str = "join-ticket";

/// Largest side of a photo, in pixels (a 50-megapixel camera is 8,160).
const MAX_SIDE: u32 = 10_000;

/// Largest photo in pixels, checked from its header before decoding: a
/// 12-megapixel phone photo fits twice, and a small file claiming a huge,
/// well-compressed picture is refused before it costs anything.
const MAX_PIXELS: u64 = 24_000_000;

/// Largest decoder allocation: an RGB photo of [`MAX_PIXELS`].
const MAX_ALLOC: u64 = 3 * MAX_PIXELS + (16 << 20);

/// The photo is searched at this longest side first: enough pixels per
/// module for a ticket's QR code filling a third of the frame, and fast.
const SEARCH_SIDE: u32 = 1_600;

/// The second, larger search: a 12-megapixel photo at full size.
const FALLBACK_SIDE: u32 = 4_000;

/// Longest text a QR code may yield here: a ticket is a few hundred
/// characters, a key 64.
const MAX_TEXT: usize = 4 << 10;

/// Why no text came out of a photo.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScanError {
    /// The form was cut off, malformed or over [`MAX_UPLOAD`].
    #[error("the upload failed or is too large")]
    Upload,
    /// The form came without a photo.
    #[error("no photo was sent")]
    Empty,
    /// Over [`MAX_PHOTO_BYTES`], or larger than the decoder's limits.
    #[error("the photo is larger than {} MB", MAX_PHOTO_BYTES >> 20)]
    TooLarge,
    /// Another photo is being read: one at a time, so that photos sent at
    /// once cannot take the laptop's memory (a hub serves a whole meeting).
    #[error("another photo is being read: try again in a moment")]
    Busy,
    /// Not a JPEG, PNG or WebP, or a damaged one.
    #[error("not a photo kenes can read (JPEG, PNG or WebP)")]
    NotAnImage,
    /// No QR code's finder patterns were found.
    #[error("no QR code was found in the photo")]
    NoCode,
    /// A code was found but its modules did not decode to text.
    #[error("a QR code was found but could not be read")]
    Unreadable,
}

impl ScanError {
    /// The Fluent message that says it to the member.
    pub fn message_key(&self) -> &'static str {
        match self {
            ScanError::Upload => "error-upload-failed",
            ScanError::Busy => "scan-error-busy",
            ScanError::Empty => "scan-error-empty",
            ScanError::TooLarge => "scan-error-too-large",
            ScanError::NotAnImage => "scan-error-not-an-image",
            ScanError::NoCode => "scan-error-no-code",
            ScanError::Unreadable => "scan-error-unreadable",
        }
    }

    /// The HTTP status it is refused with.
    pub fn status(&self) -> StatusCode {
        match self {
            ScanError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ScanError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ScanError::NoCode | ScanError::Unreadable => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The `field` and `photo` parts of a [`crate::views::scan_form`].
pub async fn photo_form(mut form: Multipart) -> Result<(String, Bytes), ScanError> {
    let (mut field, mut photo) = (String::new(), Bytes::new());
    while let Some(part) = form.next_field().await.map_err(|_| ScanError::Upload)? {
        match part.name() {
            Some("field") => field = part.text().await.map_err(|_| ScanError::Upload)?,
            Some("photo") => photo = part.bytes().await.map_err(|_| ScanError::Upload)?,
            _ => {}
        }
    }
    Ok((field, photo))
}

/// [`read_qr`] off the async runtime (decoding a photo takes a while),
/// one photo at a time: a second one meanwhile is refused as [`ScanError::Busy`]
/// rather than queued with its upload held in memory.
pub async fn read_in_background(photo: Bytes) -> Result<String, ScanError> {
    static ONE_AT_A_TIME: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slot = ONE_AT_A_TIME
        .get_or_init(|| tokio::sync::Semaphore::new(1))
        .try_acquire()
        .map_err(|_| ScanError::Busy)?;
    let read = tokio::task::spawn_blocking(move || read_qr(&photo))
        .await
        .unwrap_or(Err(ScanError::Unreadable));
    drop(slot);
    read
}

/// The text of the first readable QR code in `photo`, trimmed.
pub fn read_qr(photo: &[u8]) -> Result<String, ScanError> {
    if photo.is_empty() {
        return Err(ScanError::Empty);
    }
    if photo.len() > MAX_PHOTO_BYTES {
        return Err(ScanError::TooLarge);
    }
    let reader = || {
        let mut reader = ImageReader::new(Cursor::new(photo))
            .with_guessed_format()
            .map_err(|_| ScanError::NotAnImage)?;
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_ALLOC);
        reader.limits(limits);
        Ok::<_, ScanError>(reader)
    };
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ScanError::TooLarge,
        _ => ScanError::NotAnImage,
    };
    let (width, height) = reader()?.into_dimensions().map_err(refused)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ScanError::TooLarge);
    }
    let reader = reader()?;
    let image = reader.decode().map_err(refused)?;
    let grey = image.to_luma8();
    drop(image);
    // Search a reduced copy first, then a larger one for a code too small
    // for it. The larger is bounded too, so that a small file claiming a
    // huge, well-compressed picture costs seconds, not minutes. No grid
    // at either size is "no code"; a grid that did not decode is
    // "unreadable".
    let mut found_unreadable = false;
    for side in [SEARCH_SIDE, FALLBACK_SIDE] {
        let result = search(&reduced(&grey, side));
        match result {
            Ok(text) => return Ok(text),
            Err(ScanError::Unreadable) => found_unreadable = true,
            Err(_) => {}
        }
        if grey.width().max(grey.height()) <= side {
            break;
        }
    }
    Err(if found_unreadable {
        ScanError::Unreadable
    } else {
        ScanError::NoCode
    })
}

/// `grey` with its longest side at most `side` pixels.
fn reduced(grey: &image::GrayImage, side: u32) -> std::borrow::Cow<'_, image::GrayImage> {
    let longest = grey.width().max(grey.height());
    if longest <= side {
        return std::borrow::Cow::Borrowed(grey);
    }
    let scale = f64::from(side) / f64::from(longest);
    let (w, h) = (
        ((f64::from(grey.width()) * scale) as u32).max(1),
        ((f64::from(grey.height()) * scale) as u32).max(1),
    );
    // `thumbnail` averages pixels into the output alone; `resize` would
    // first build a float copy as wide as the photo.
    std::borrow::Cow::Owned(image::imageops::thumbnail(grey, w, h))
}

/// The first QR code in `grey` that decodes to text.
fn search(grey: &image::GrayImage) -> Result<String, ScanError> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        grey.get_pixel(x as u32, y as u32)[0]
    });
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(ScanError::NoCode);
    }
    for grid in grids {
        if let Ok((_, text)) = grid.decode() {
            let text = text.trim();
            if !text.is_empty() && text.len() <= MAX_TEXT {
                return Ok(text.to_string());
            }
        }
    }
    Err(ScanError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, ImageFormat, Luma};

    /// `text` as a QR code drawn `module` pixels per module at (`x`, `y`)
    /// on a `w`×`h` grey page, the way a photo of a screen or a sheet
    /// frames one.
    fn photo_of(text: &str, w: u32, h: u32, x: u32, y: u32, module: u32) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let side = code.width() as u32;
        let colors = code.to_colors();
        let mut page = GrayImage::from_fn(w, h, |px, py| Luma([170 + ((px + py) % 40) as u8]));
        let quiet = 4 * module;
        for py in 0..(side * module + 2 * quiet) {
            for px in 0..(side * module + 2 * quiet) {
                let (mx, my) = (px.checked_sub(quiet), py.checked_sub(quiet));
                let dark = match (mx, my) {
                    (Some(mx), Some(my)) if mx < side * module && my < side * module => {
                        colors[((my / module) * side + mx / module) as usize] == qrcode::Color::Dark
                    }
                    _ => false,
                };
                page.put_pixel(x + px, y + py, Luma([if dark { 25 } else { 235 }]));
            }
        }
        page
    }

    fn encoded(image: &GrayImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    const TICKET: &str = "kenes1aebagbaf7dq2l6r4m2n3o4p5q6r7s8t9u0vwxyzabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwxyz";

    #[test]
    fn a_jpeg_photo_of_a_ticket_reads_back_as_its_text() {
        let photo = photo_of(TICKET, 2400, 1800, 700, 500, 9);
        assert_eq!(
            read_qr(&encoded(&photo, ImageFormat::Jpeg)).unwrap(),
            TICKET
        );
    }

    #[test]
    fn a_small_code_in_a_large_photo_is_found_by_the_larger_search() {
        // 2 px per module: lost when the photo is reduced to 1,600 px.
        let photo = photo_of(TICKET, 4000, 3000, 1900, 1400, 2);
        assert_eq!(read_qr(&encoded(&photo, ImageFormat::Png)).unwrap(), TICKET);
    }

    #[test]
    fn a_photo_without_a_code_says_so() {
        let page = GrayImage::from_fn(640, 480, |x, y| Luma([((x * y) % 251) as u8]));
        assert_eq!(
            read_qr(&encoded(&page, ImageFormat::Png)),
            Err(ScanError::NoCode)
        );
    }

    #[test]
    fn what_is_not_a_photo_is_refused_without_decoding() {
        assert_eq!(read_qr(b""), Err(ScanError::Empty));
        assert_eq!(read_qr(b"kenes1 not a picture"), Err(ScanError::NotAnImage));
        let png = encoded(&photo_of(TICKET, 800, 600, 10, 10, 4), ImageFormat::Png);
        assert_eq!(read_qr(&png[..png.len() / 2]), Err(ScanError::NotAnImage));
        assert_eq!(
            read_qr(&vec![0xFF; MAX_PHOTO_BYTES + 1]),
            Err(ScanError::TooLarge)
        );
    }

    #[test]
    fn a_photo_that_claims_huge_dimensions_is_refused_before_it_is_decoded() {
        // Valid PNG headers, with their checksums right and no pixels at
        // all: 60,000 px a side (3.6 GB as grey), and 6,000 × 6,000 (each
        // side allowed, 36 megapixels not).
        for side in [60_000u32, 6_000] {
            let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
            let mut ihdr = b"IHDR".to_vec();
            ihdr.extend_from_slice(&side.to_be_bytes());
            ihdr.extend_from_slice(&side.to_be_bytes());
            ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
            png.extend_from_slice(&ihdr[4..]);
            png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
            // A token IDAT and the end, so that the header reads whole.
            png.extend_from_slice(b"\0\0\0\x02IDAT\x78\x9c");
            png.extend_from_slice(&crc32(b"IDAT\x78\x9c").to_be_bytes());
            png.extend_from_slice(b"\0\0\0\0IEND");
            png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
            assert_eq!(read_qr(&png), Err(ScanError::TooLarge), "{side}");
        }
    }

    /// CRC-32 (ISO-HDLC) as PNG chunks carry it, for the forged header.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
