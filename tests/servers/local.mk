# the test bed's programs (seeder)
