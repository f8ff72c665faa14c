//! QR codes of short links for posters: SVG for print, PNG for everything else.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use crate::error::{AppError, Result};

/// Pixels per module in the PNG, and the quiet zone around the code (in modules).
const SCALE: usize = 8;
const QUIET: usize = 4;

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|error| AppError::BadRequest(format!("cannot draw a QR code: {error}")))
}

pub fn svg(text: &str) -> Result<String> {
    Ok(code(text)?.render::<svg::Color>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// A greyscale PNG: black modules on white.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (index, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (x, y) = ((index % modules + QUIET) * SCALE, (index / modules + QUIET) * SCALE);
        for row in y..y + SCALE {
            pixels[row * side + x..row * side + x + SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|error| AppError::Internal(error.into()))?;
    writer.write_image_data(&pixels).map_err(|error| AppError::Internal(error.into()))?;
    writer.finish().map_err(|error| AppError::Internal(error.into()))?;
    Ok(out)
}
