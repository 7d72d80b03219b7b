//! The offline map's data, shipped in the binary: Kazakhstan's outline
//! (Natural Earth admin-0, public domain, via the npm package `world-atlas`;
//! see `data/kazakhstan-outline.txt`) and a small hand-made gazetteer of its
//! regions and cities (`data/gazetteer.txt`). Nothing is fetched at run
//! time.

use std::sync::OnceLock;

const OUTLINE: &str = include_str!("../data/kazakhstan-outline.txt");
const GAZETTEER: &str = include_str!("../data/gazetteer.txt");

/// West, east, south and north edges of what the map shows, in degrees.
const WEST: f64 = 46.3;
const EAST: f64 = 87.5;
const SOUTH: f64 = 40.4;
const NORTH: f64 = 55.6;
/// Width of the map in SVG units (its height follows from the extent).
pub const MAP_WIDTH: f64 = 360.0;

/// A region or city with its coordinates.
#[derive(Debug)]
pub struct Place {
    /// A region (drawn at its administrative centre) or a city.
    pub is_region: bool,
    /// Its names, English first, all lower case.
    pub names: Vec<String>,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// The parsed data.
pub struct Atlas {
    /// The country's outline: rings of (lon, lat).
    pub outline: Vec<Vec<(f64, f64)>>,
    /// Regions and cities.
    pub places: Vec<Place>,
}

fn parse() -> Atlas {
    let data_lines = |text: &'static str| {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    };
    let outline = data_lines(OUTLINE)
        .map(|line| {
            line.split_whitespace()
                .filter_map(|pair| pair.split_once(','))
                .filter_map(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
                .collect()
        })
        .collect();
    let places = data_lines(GAZETTEER)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let [kind, names, lon, lat] = cols[..] else {
                return None;
            };
            Some(Place {
                is_region: kind == "region",
                names: names.split('|').map(str::to_lowercase).collect(),
                lon: lon.parse().ok()?,
                lat: lat.parse().ok()?,
            })
        })
        .collect();
    Atlas { outline, places }
}

/// The atlas, parsed once.
pub fn atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(parse)
}

impl Atlas {
    /// Where an area path is on the map: its last part, looked up as a
    /// city under a known region, then as a city or region anywhere.
    /// `None` if the map does not know it.
    pub fn locate(&self, area: &str) -> Option<&Place> {
        let parts: Vec<String> = area.split('/').map(|p| p.trim().to_lowercase()).collect();
        let last = parts.last()?;
        let named = |is_region: bool| {
            self.places
                .iter()
                .find(|p| p.is_region == is_region && p.names.contains(last))
        };
        // "Kazakhstan/Karaganda" is the region, "…/Karaganda/Temirtau" a
        // city: a path of two parts names a region first.
        if parts.len() <= 2 {
            named(true).or_else(|| named(false))
        } else {
            named(false).or_else(|| named(true))
        }
    }
}

/// Height of the map in SVG units.
pub fn map_height() -> f64 {
    let (x, _) = project(EAST, SOUTH);
    let (_, y) = project(WEST, SOUTH);
    y * MAP_WIDTH / x
}

/// Longitude and latitude to SVG units: an equirectangular projection
/// with the scale of 48° N, where most of the country lies.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let squash = 48f64.to_radians().cos();
    let width = (EAST - WEST) * squash;
    let k = MAP_WIDTH / width;
    ((lon - WEST) * squash * k, (NORTH - lat) * k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_data_parses() {
        let atlas = atlas();
        assert!(atlas.outline.iter().map(Vec::len).sum::<usize>() > 200);
        assert!(atlas.places.len() > 40);
    }

    #[test]
    fn areas_are_located_by_their_last_part() {
        let atlas = atlas();
        let zhanaozen = atlas.locate("Kazakhstan/Mangystau/Zhanaozen").unwrap();
        assert!(!zhanaozen.is_region && (zhanaozen.lon - 52.8).abs() < 0.01);
        assert!(atlas.locate("Kazakhstan/Karaganda").unwrap().is_region);
        assert!(
            !atlas
                .locate("Kazakhstan/Karaganda/Karaganda")
                .unwrap()
                .is_region
        );
        assert!(atlas.locate("Казахстан/Мангистау/Жанаозен").is_some());
        assert!(atlas.locate("Kazakhstan/Mangystau/Nowhere").is_none());
    }

    #[test]
    fn every_place_falls_inside_the_map() {
        let height = map_height();
        for place in &atlas().places {
            let (x, y) = project(place.lon, place.lat);
            assert!((0.0..=MAP_WIDTH).contains(&x), "{:?}", place.names);
            assert!((0.0..=height).contains(&y), "{:?}", place.names);
        }
    }
}
