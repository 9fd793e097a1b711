/*
 * geo.h - distances on the Earth (docs/model.md §1.5: haversine, R = 6 371 008.8 m).
 */
#ifndef PARKPLAN_GEO_H
#define PARKPLAN_GEO_H

#define EARTH_RADIUS_M 6371008.8

double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif
